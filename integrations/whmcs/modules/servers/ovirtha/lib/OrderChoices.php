<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha;

/**
 * What the customer chose at the order, as service.create carries it (README "What the customer chooses"): the root
 * password WHMCS generated for the service, the SSH keys from a product custom field, and the operating system from a
 * configurable option. Each is optional: without a usable password or keys the bridge makes a password up and sends
 * it back in service.active; without an OS the plan's own template is used.
 */
final class OrderChoices
{
    /**
     * The product custom field (a text area, one key per line). WHMCS hands custom fields over by the part of their
     * name before a "|", so "ssh_keys|SSH Public Keys" arrives as ssh_keys.
     */
    public const SSH_KEYS_FIELDS = ['SSH Public Keys', 'ssh_keys'];
    /** The configurable option; its sub-options are named "key|Label" (e.g. "debian-12|Debian 12"), WHMCS passes the key. */
    public const OS_OPTIONS = ['Operating System', 'os'];
    /** The bridge's OS key rule (README: a key of the plan's os_options). */
    private const OS_KEY = '/^[a-z0-9][a-z0-9._-]{0,63}$/';

    /**
     * The create webhook's extra fields: password, ssh_keys, os, each only when there is one.
     *
     * @return array{password?: string, ssh_keys?: list<string>, os?: string}
     * @throws \InvalidArgumentException when the OS option's value is no OS key (the sub-options lack "key|Label")
     */
    public static function fromParams(array $params): array
    {
        $out = [];
        $password = self::password($params);
        if ($password !== null) {
            $out['password'] = $password;
        }
        $keys = self::sshKeys($params);
        if ($keys !== []) {
            $out['ssh_keys'] = $keys;
        }
        $os = self::os($params);
        if ($os !== null) {
            $out['os'] = $os;
        }
        return $out;
    }

    /**
     * WHMCS's generated service password (10 letters and digits), or one an admin set. The bridge takes 8-128
     * printable characters on one line; anything else is left out rather than refused, so the order still builds and
     * the bridge's made-up password comes back in service.active, which then replaces WHMCS's.
     */
    public static function password(array $params): ?string
    {
        $password = $params['password'] ?? null;
        if (!is_string($password)) {
            return null;
        }
        $length = preg_match_all('/./us', $password);
        if ($length === false || $length < 8 || $length > 128 || preg_match('/[\p{Cc}\p{Zl}\p{Zp}]/u', $password) !== 0) {
            return null;
        }
        return $password;
    }

    /**
     * One OpenSSH public key per line; blank lines and "#" comments are skipped. The keys are not judged here: a
     * malformed one is refused by the bridge, which names it (data.ssh_keys.N), since dropping a customer's key
     * quietly would leave them locked out of a VPS that looks fine.
     *
     * @return list<string>
     */
    public static function sshKeys(array $params): array
    {
        $text = self::firstOf(is_array($params['customfields'] ?? null) ? $params['customfields'] : [], self::SSH_KEYS_FIELDS);
        $keys = [];
        foreach (preg_split('/\r\n|\r|\n/', $text) ?: [] as $line) {
            $line = trim($line);
            if ($line !== '' && !str_starts_with($line, '#')) {
                $keys[] = $line;
            }
        }
        return $keys;
    }

    /** @throws \InvalidArgumentException */
    public static function os(array $params): ?string
    {
        $value = strtolower(self::firstOf(is_array($params['configoptions'] ?? null) ? $params['configoptions'] : [], self::OS_OPTIONS));
        if ($value === '') {
            return null;
        }
        if (preg_match(self::OS_KEY, $value) !== 1) {
            throw new \InvalidArgumentException(
                "the Operating System option's value \"{$value}\" is no OS key of the bridge plan: "
                . "name each sub-option key|Label, such as debian-12|Debian 12, with the key from the plan's os_options "
                . '(Configurable Options)'
            );
        }
        return $value;
    }

    /**
     * The reinstall form's choices from the Operating System sub-option names ("debian-12|Debian 12"); a name without
     * "|" is its own label, and one whose key is no OS key is left out (the bridge would refuse it).
     *
     * @param list<string> $names
     * @return list<array{key: string, label: string}>
     */
    public static function osChoices(array $names): array
    {
        $out = [];
        foreach ($names as $name) {
            [$key, $label] = array_pad(explode('|', $name, 2), 2, null);
            $key = strtolower(trim($key));
            if (preg_match(self::OS_KEY, $key) === 1) {
                $out[] = ['key' => $key, 'label' => trim($label ?? '') !== '' ? trim((string) $label) : $key];
            }
        }
        return $out;
    }

    /** @param list<string> $names */
    private static function firstOf(array $fields, array $names): string
    {
        foreach ($names as $name) {
            $value = $fields[$name] ?? null;
            if (is_string($value) || is_int($value)) {
                $text = trim((string) $value);
                if ($text !== '') {
                    return $text;
                }
            }
        }
        return '';
    }
}
