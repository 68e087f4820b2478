<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha\Notices;

/** Puts the module's e-mail templates into WHMCS when missing; behind an interface so tests need no database. */
interface TemplateInstaller
{
    /**
     * Installs each template of EmailTemplates::definitions() that WHMCS does not have yet (by name); an existing one
     * is left as the staff edited it.
     *
     * @return list<string> the names installed by this call
     */
    public function ensureInstalled(): array;
}
