{* oVirt HA Bridge: the VPS box on the service overview. Variables come from ovirtha_ClientArea under $ovirtha
   (lib/ClientAreaView.php); every value is escaped here. $ovirtha.vps (null when the bridge could not say) holds how
   to reach the VPS; the password stays on WHMCS's own product details, as WHMCS shows it. The history link goes through WHMCS's single sign-on
   (ovirtha_ServiceSingleSignOn), which mints a one-time link into the bridge's client area when clicked. *}
<div class="panel card panel-default mb-3" id="ovirthaVps">
    <div class="panel-heading card-header">
        <h3 class="panel-title card-title m-0">High-availability VPS</h3>
    </div>
    <div class="panel-body card-body">
        {if $ovirtha.available}
            <dl class="row mb-0">
                <dt class="col-sm-5">State</dt>
                <dd class="col-sm-7" id="ovirthaState">{$ovirtha.state_label|escape}</dd>

                {if $ovirtha.vps}
                    {if $ovirtha.vps.hostname}
                        <dt class="col-sm-5">Host name</dt>
                        <dd class="col-sm-7" id="ovirthaHostname"><code>{$ovirtha.vps.hostname|escape}</code></dd>
                    {/if}
                    {if $ovirtha.vps.ipv4}
                        <dt class="col-sm-5">IPv4 address{if $ovirtha.vps.ipv4|@count > 1}es{/if}</dt>
                        <dd class="col-sm-7" id="ovirthaIpv4">{foreach $ovirtha.vps.ipv4 as $ip}<code>{$ip|escape}</code>{if !$ip@last}<br>{/if}{/foreach}</dd>
                    {/if}
                    {if $ovirtha.vps.ipv6}
                        <dt class="col-sm-5">IPv6 address{if $ovirtha.vps.ipv6|@count > 1}es{/if}</dt>
                        <dd class="col-sm-7" id="ovirthaIpv6">{foreach $ovirtha.vps.ipv6 as $ip}<code>{$ip|escape}</code>{if !$ip@last}<br>{/if}{/foreach}</dd>
                    {/if}
                    {if $ovirtha.vps.os}
                        <dt class="col-sm-5">Operating system</dt>
                        <dd class="col-sm-7" id="ovirthaOs">{$ovirtha.vps.os|escape}</dd>
                    {/if}
                    {if $ovirtha.vps.username}
                        <dt class="col-sm-5">User name</dt>
                        <dd class="col-sm-7" id="ovirthaUsername"><code>{$ovirtha.vps.username|escape}</code></dd>
                    {/if}
                {/if}

                <dt class="col-sm-5">Uptime, last 30 days</dt>
                <dd class="col-sm-7" id="ovirthaUptime30d">
                    {if $ovirtha.uptime_30d !== null}
                        {$ovirtha.uptime_30d|escape}&nbsp;%{if $ovirtha.sla_target !== null} <small class="text-muted">(target {$ovirtha.sla_target|escape}&nbsp;%)</small>{/if}
                    {else}
                        not measured yet
                    {/if}
                </dd>

                <dt class="col-sm-5">Last outage</dt>
                <dd class="col-sm-7" id="ovirthaLastIncident">
                    {if $ovirtha.last_incident}
                        {$ovirtha.last_incident.cause|escape}{if $ovirtha.last_incident.duration}, {$ovirtha.last_incident.duration|escape}{/if}
                        <br><small class="text-muted">{$ovirtha.last_incident.summary|escape}</small>
                    {else}
                        none recorded
                    {/if}
                </dd>
            </dl>
        {else}
            <p class="mb-0">{$ovirtha.error|escape}</p>
        {/if}
    </div>
    {if $ovirtha.controls}
        {* VPS actions. Start, Shut down and Reboot are WHMCS's module buttons on this page; Power off and
           Reinstall need the tick below (the module refuses them without it); Console downloads a .vv file through
           console.php, since a module button cannot answer with a file. Every form carries WHMCS's CSRF token. *}
        <div class="panel-body card-body border-top" id="ovirthaActions">
            <form method="post" action="{$ovirtha.controls.console_url|escape}" class="d-inline">
                <input type="hidden" name="token" value="{$token|escape}">
                <input type="hidden" name="id" value="{$ovirtha.controls.service_id|escape}">
                <button type="submit" class="btn btn-default btn-outline-secondary btn-sm">Console (.vv file)</button>
            </form>
            <small class="text-muted d-block mb-2">Opens the screen of your VPS in remote-viewer (virt-viewer); use the file within 2 minutes.</small>

            <form method="post" action="{$ovirtha.controls.action_url|escape}" class="mb-2" id="ovirthaPowerOff">
                <input type="hidden" name="token" value="{$token|escape}">
                <input type="hidden" name="modop" value="custom">
                <input type="hidden" name="a" value="poweroff">
                <label class="d-block"><input type="checkbox" name="ovirtha_confirm" value="yes" required> I understand that Power off cuts the VPS at once, like pulling the plug (Shut down is the clean way).</label>
                <button type="submit" class="btn btn-warning btn-sm">Power off</button>
            </form>

            <form method="post" action="{$ovirtha.controls.action_url|escape}" id="ovirthaReinstall">
                <input type="hidden" name="token" value="{$token|escape}">
                <input type="hidden" name="modop" value="custom">
                <input type="hidden" name="a" value="reinstall">
                {if $ovirtha.controls.os_options}
                    <label for="ovirthaOsChoice">Operating system</label>
                    <select name="ovirtha_os" id="ovirthaOsChoice" class="form-control form-control-sm mb-1">
                        {foreach $ovirtha.controls.os_options as $os}
                            <option value="{$os.key|escape}"{if $os.selected} selected{/if}>{$os.label|escape}</option>
                        {/foreach}
                    </select>
                {/if}
                <label class="d-block"><input type="checkbox" name="ovirtha_confirm" value="yes" required> I understand that everything on the disk is erased; the VPS keeps its addresses and host name, and its new login details appear on this page once it runs.</label>
                <button type="submit" class="btn btn-danger btn-sm">Reinstall</button>
            </form>
        </div>
    {/if}
    {if $ovirtha.available}
        <div class="panel-footer card-footer">
            <a href="{$ovirtha.history_url|escape}" class="btn btn-default btn-outline-primary btn-sm" target="_blank" rel="noopener">
                Full uptime and failover history
            </a>
        </div>
    {/if}
</div>
