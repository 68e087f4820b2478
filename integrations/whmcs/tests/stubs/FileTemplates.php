<?php

/*
 * WHMCS's tblemailtemplates for the callback server: the names the module installed, in templates.json of the state
 * directory, so a second PHP process sees them installed and the jest suite can read which were.
 */

declare(strict_types=1);

use WHMCS\Module\Server\Ovirtha\Notices\EmailTemplates;
use WHMCS\Module\Server\Ovirtha\Notices\TemplateInstaller;

final class FileTemplates implements TemplateInstaller
{
    public function __construct(private readonly string $dir)
    {
    }

    public function ensureInstalled(): array
    {
        $file = "{$this->dir}/templates.json";
        $have = is_file($file) ? (array) json_decode((string) file_get_contents($file), true) : [];
        $new = array_values(array_diff(array_keys(EmailTemplates::definitions()), $have));
        if ($new !== []) {
            file_put_contents($file, json_encode([...$have, ...$new]), LOCK_EX);
        }
        return $new;
    }
}
