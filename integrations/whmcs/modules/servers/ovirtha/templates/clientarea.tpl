{* oVirt HA Bridge: the VPS box on the service overview. Variables come from ovirtha_ClientArea under $ovirtha
   (lib/ClientAreaView.php); every value is escaped here. The history link goes through WHMCS's single sign-on
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
    {if $ovirtha.available}
        <div class="panel-footer card-footer">
            <a href="{$ovirtha.history_url|escape}" class="btn btn-default btn-outline-primary btn-sm" target="_blank" rel="noopener">
                Full uptime and failover history
            </a>
        </div>
    {/if}
</div>
