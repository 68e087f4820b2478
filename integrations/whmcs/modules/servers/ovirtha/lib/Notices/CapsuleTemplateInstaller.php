<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha\Notices;

use WHMCS\Database\Capsule;

/**
 * Installs the templates as rows of tblemailtemplates: type "product" (so SendEmail with a service id fills the
 * service's merge fields), custom = 1 (staff-made, deletable), the default language. WHMCS has no localAPI command that
 * creates a template, so modules write this table, as WHMCS's own addon modules do on activation. Run before each
 * notice e-mail (one indexed read when all exist), so a module copied onto a running WHMCS needs no extra step.
 */
final class CapsuleTemplateInstaller implements TemplateInstaller
{
    public function ensureInstalled(): array
    {
        $installed = [];
        foreach (EmailTemplates::definitions() as $name => $template) {
            $exists = Capsule::table('tblemailtemplates')->where('type', 'product')->where('name', $name)->exists();
            if ($exists) {
                continue;
            }
            Capsule::table('tblemailtemplates')->insert([
                'type' => 'product',
                'name' => $name,
                'subject' => $template['subject'],
                'message' => $template['message'],
                'attachments' => '',
                'fromname' => '',
                'fromemail' => '',
                'disabled' => 0,
                'custom' => 1,
                'language' => '',
                'copyto' => '',
                'blind_copy_to' => '',
                'plaintext' => 0,
            ]);
            $installed[] = $name;
        }
        return $installed;
    }
}
