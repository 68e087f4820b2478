/**
 * The console's IP pool pages: the list with a usage bar per pool, one pool with who holds which address,
 * and the pool form. Words and percentages are made here from the structured pool and usage.
 */
import { assignmentState, type IpAssignment } from '../../domain/ip-assignment';
import type { FieldProblem } from '../../errors';
import type { IpPoolDetail, IpPoolUsage, IpPoolView } from '../../use-cases/ip-pools';
import { utc } from './admin-services';

const DONE: Record<string, string> = { created: 'created', saved: 'saved', deleted: 'deleted' };

const pct = (n: number, of: number) => (of > 0 ? Math.round((n / of) * 10_000) / 100 : 0);

/** The bar: used, then quarantined, then free, as percentages of the pool's size (the cap partial's shape). */
export function usageBar(usage: IpPoolUsage, family: 4 | 6) {
  const unit = family === 4 ? 'addresses' : 'prefixes';
  const used = pct(usage.used, usage.size);
  const quarantined = pct(usage.quarantined, usage.size);
  return {
    label: `${usage.used} of ${usage.size} ${unit} held`,
    total: `${usage.size} ${unit}`,
    summary: `${usage.used} held, ${usage.quarantined} in quarantine, ${usage.free} free of ${usage.size} ${unit}`,
    segments: [
      { kind: 'used', x: 0, width: used },
      { kind: 'reserve', x: used, width: quarantined },
      { kind: 'free', x: used + quarantined, width: Math.max(0, 100 - used - quarantined) },
    ].filter((s) => s.width > 0),
    used: usage.used,
    quarantined: usage.quarantined,
    free: usage.free,
    full: usage.free === 0,
  };
}

function poolSummary({ pool, usage }: IpPoolView) {
  return {
    name: pool.name,
    href: `/admin/ip-pools/${encodeURIComponent(pool.name)}`,
    cluster: pool.cluster,
    network: pool.network,
    family: pool.family === 4 ? 'IPv4' : 'IPv6',
    cidr: pool.cidr,
    gateway: pool.gateway,
    perService: pool.family === 4 ? 'one address' : `one /${pool.prefixPerService}`,
    ranges: pool.ranges.length > 0 ? pool.ranges.map((r) => (r.from === r.to ? r.from : `${r.from} – ${r.to}`)) : ['the whole cidr'],
    dns: pool.dns.join(', '),
    dnsSearch: pool.dnsSearch.join(', '),
    quarantine: `${pool.quarantineMinutes} min`,
    bar: usageBar(usage, pool.family),
  };
}

/** The list page; `done` is the redirect's `?done=created&pool=…`, shown as a flash when it names a pool. */
export function presentAdminIpPools(views: IpPoolView[], done: { what?: unknown; pool?: unknown }) {
  const word = typeof done.what === 'string' ? DONE[done.what] : undefined;
  const name = typeof done.pool === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(done.pool) ? done.pool : undefined;
  return {
    title: 'IP pools',
    nav: 'ip-pools',
    flash: word && name ? `Pool \u201c${name}\u201d ${word}.` : undefined,
    pools: views.map(poolSummary),
  };
}

function holderRow(a: IpAssignment, now: Date) {
  const quarantined = assignmentState(a, now) === 'quarantined';
  return {
    address: a.address,
    billingServiceId: a.billingServiceId,
    serviceHref: `/admin/services/${encodeURIComponent(a.billingServiceId)}`,
    since: utc(a.heldSince),
    quarantined,
    state: quarantined ? `quarantined until ${utc(a.quarantineUntil)}` : 'held',
    released: quarantined ? utc(a.releasedAt) : '',
  };
}

/** One pool's page: its facts, bar and holders; `error` is a refused delete's reason. */
export function presentAdminIpPool(detail: IpPoolDetail, now: Date, error?: string) {
  return {
    title: `IP pool ${detail.pool.name}`,
    nav: 'ip-pools',
    pool: poolSummary(detail),
    editHref: `/admin/ip-pools/${encodeURIComponent(detail.pool.name)}/edit`,
    deleteAction: `/admin/ip-pools/${encodeURIComponent(detail.pool.name)}/delete`,
    holders: detail.holders.map((h) => holderRow(h, now)),
    inUse: detail.usage.used + detail.usage.quarantined > 0,
    error,
  };
}

/** The form's fields as typed (strings), so a refused form shows exactly what the admin entered. */
export interface IpPoolFormValues {
  name: string;
  cluster: string;
  network: string;
  cidr: string;
  gateway: string;
  dns: string;
  dns_search: string;
  ranges: string;
  prefix_per_service: string;
  quarantine_minutes: string;
}

/** The form page: values as typed, each field's first problem beside it and all of them in the summary. */
export function presentIpPoolForm(form: { editing?: string; values: IpPoolFormValues; problems: FieldProblem[]; formError?: string }) {
  const fieldOf = (apiField: string) => apiField.split('.')[0] ?? '';
  const errors = new Map<string, string>();
  for (const p of form.problems) {
    const f = fieldOf(p.field);
    if (!errors.has(f)) errors.set(f, `${p.field.includes('.') ? `${p.field}: ` : ''}${p.message}`);
  }
  const field = (id: keyof IpPoolFormValues) => ({
    value: form.values[id],
    error: errors.get(id),
    describedBy: errors.has(id) ? `${id}-error` : undefined,
  });
  return {
    title: form.editing ? `Edit IP pool ${form.editing}` : 'New IP pool',
    nav: 'ip-pools',
    heading: form.editing ? `Edit pool \u201c${form.editing}\u201d` : 'New IP pool',
    editing: form.editing !== undefined,
    action: form.editing ? `/admin/ip-pools/${encodeURIComponent(form.editing)}` : '/admin/ip-pools',
    summary: [...(form.formError ? [form.formError] : []), ...form.problems.map((p) => `${p.field || 'form'} ${p.message}`)],
    f: Object.fromEntries((Object.keys(form.values) as Array<keyof IpPoolFormValues>).map((k) => [k, field(k)])),
  };
}
