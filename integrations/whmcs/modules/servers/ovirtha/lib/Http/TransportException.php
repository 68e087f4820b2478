<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha\Http;

/** No HTTP answer at all: refused, unresolvable, timed out, TLS. The message says which, in the client's words. */
final class TransportException extends \RuntimeException
{
}
