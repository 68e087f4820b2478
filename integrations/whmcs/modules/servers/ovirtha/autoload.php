<?php

declare(strict_types=1);

/*
 * Class loader for lib/ (namespace WHMCS\Module\Server\Ovirtha, one class per file, PSR-4). WHMCS autoloads a
 * module's lib/ itself; this loader is for callback.php (which may run before WHMCS's loader knows the module), for
 * the tests, and for WHMCS builds that do not. Registering it more than once is harmless.
 */
if (!defined('OVIRTHA_AUTOLOAD')) {
    define('OVIRTHA_AUTOLOAD', true);
    spl_autoload_register(static function (string $class): void {
        $prefix = 'WHMCS\\Module\\Server\\Ovirtha\\';
        if (strncmp($class, $prefix, strlen($prefix)) !== 0) {
            return;
        }
        $file = __DIR__ . '/lib/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
        if (is_file($file)) {
            require_once $file;
        }
    });
}
