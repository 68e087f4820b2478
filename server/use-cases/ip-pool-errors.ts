/** The errors of IP pools and allocation, by name, each with its code and status. */
import { AppError, ConflictError, type FieldProblem, UnprocessableError } from '../errors';

/** A pool whose own fields do not make a pool: each problem names its field as the API spells it. */
export class InvalidIpPoolError extends AppError {
  constructor(readonly problems: FieldProblem[]) {
    super('invalid_ip_pool', `The IP pool is not valid: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}.`, 400, problems);
  }
}

export class IpPoolOverlapError extends ConflictError {
  constructor(cidr: string, other: { name: string; cidr: string }) {
    super(`${cidr} overlaps pool ${other.name} (${other.cidr}).`, { pool: other.name, cidr: other.cidr }, 'ip_pool_overlap');
  }
}

export class IpPoolInUseError extends ConflictError {
  constructor(name: string, used: number, quarantined: number, what = 'deleted') {
    super(
      `Pool ${name} has ${used} address${used === 1 ? '' : 'es'} held and ${quarantined} in quarantine, so it cannot be ${what}; ` +
        `wait until they are released and their quarantine ends.`,
      { used, quarantined },
      'ip_pool_in_use',
    );
  }
}

export class IpPoolShrinkError extends ConflictError {
  constructor(name: string, outside: string[]) {
    const shown = outside.slice(0, 5).join(', ');
    super(
      `The change would leave ${outside.length} address${outside.length === 1 ? '' : 'es'} of pool ${name} that are held or in ` +
        `quarantine outside the pool (${shown}${outside.length > 5 ? ', …' : ''}).`,
      { addresses: outside.slice(0, 100), count: outside.length },
      'ip_pool_shrink_below_used',
    );
  }
}

/** No free address for an order: refused before any VM is made, like the capacity gate. */
export class IpPoolExhaustedError extends UnprocessableError {
  constructor(family: 4 | 6, cluster: string, pools: string[], why?: string) {
    super(
      'ip_pool_exhausted',
      why ??
        `No free IPv${family} ${family === 4 ? 'address' : 'prefix'} in ` +
          `${pools.length > 0 ? `pool${pools.length === 1 ? '' : 's'} ${pools.join(', ')}` : 'any pool'} of cluster ${cluster}.`,
      { family, cluster, pools },
    );
  }
}
