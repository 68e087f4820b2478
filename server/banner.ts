/** The start banner: where the service listens, which database and engine it uses, and what was improvised. */
import { type Config, redactUrl } from './config';

export interface BannerFacts {
  url: string;
  databaseVersion: string;
  engine:
    | { kind: 'configured'; url: string }
    | { kind: 'simulator'; url: string; scenario: string; controlUrl: string; controlToken: string }
    | { kind: 'none' };
  migrationsApplied: string[];
  adminToken?: string;
}

export function bannerLines(config: Config, facts: BannerFacts): string[] {
  const lines = [
    '',
    '  oVirt HA Bridge',
    `  Listening on   ${facts.url}  (public URL ${config.publicUrl})`,
    `  Database       ${config.database.client === 'sqlite' ? `SQLite ${config.database.filename}` : redactUrl(config.database.url)} — ` +
      facts.databaseVersion,
  ];
  if (facts.engine.kind === 'configured') lines.push(`  oVirt engine   ${facts.engine.url} (user ${config.ovirt.username})`);
  if (facts.engine.kind === 'simulator') {
    lines.push(
      `  oVirt engine   NONE CONFIGURED: using the bundled oVirt SIMULATOR at ${facts.engine.url} (scenario "${facts.engine.scenario}")`,
      '                 No real VM is created. Set OVIRT_URL, OVIRT_USERNAME and OVIRT_PASSWORD to use a real engine.',
      // The failover drill of the README drives the simulator through its control API.
      `  Simulator      control ${facts.engine.controlUrl}  (Authorization: Bearer ${facts.engine.controlToken}); e.g. fail a host:`,
      `                 curl -X POST -H 'Authorization: Bearer ${facts.engine.controlToken}' ${facts.engine.controlUrl}/hosts/host1/fail`,
      '                 It starts afresh at every npm start (its VMs are gone; the VM check marks their services vm_missing).',
    );
  }
  if (facts.engine.kind === 'none') lines.push('  oVirt engine   NONE CONFIGURED: set OVIRT_URL, OVIRT_USERNAME and OVIRT_PASSWORD.');
  lines.push(
    `  Job worker     ${config.jobs.workerEnabled ? `on (${config.jobs.concurrency} at a time)` : 'off (JOB_WORKER=false): this instance only serves HTTP'}`,
  );
  const polls = facts.engine.kind !== 'none' && config.events.syncEnabled;
  lines.push(
    '  Uptime         ' +
      (polls
        ? `engine events read every ${config.events.pollMs / 1000} s (by one instance at a time); client area at ${config.publicUrl}/client`
        : 'engine events NOT read (EVENT_SYNC=false or no engine): uptime pages show what was recorded'),
  );
  if (polls) {
    lines.push(
      '  VM check       ' +
        (config.events.vmReconcileMs > 0
          ? `every ${config.events.vmReconcileMs / 1000} s, one list of our VMs (VM_RECONCILE_SECONDS)`
          : 'off (VM_RECONCILE_SECONDS=0): a VM deleted by hand goes unnoticed'),
      `  Client link    npm run --silent client-link -- <service id>   (a one-time link to that customer's page)`,
    );
  }
  lines.push(`  Admin console  ${config.publicUrl}/admin  (an account: npm run admin -- create you@example.net)`);
  lines.push(
    `  Migrations     ${facts.migrationsApplied.length > 0 ? `applied ${facts.migrationsApplied.length} now` : 'up to date'}`,
    `  Environment    ${config.env}`,
  );
  if (config.generatedSecrets.length > 0) {
    lines.push(
      `  Secrets        GENERATED FOR THIS RUN ONLY: ${config.generatedSecrets.join(', ')}`,
      '                 They change at every start; set them in .env (see .env.example) to keep them.',
    );
  }
  if (facts.adminToken) lines.push(`  Admin token    (valid 1 h, for this run) ${facts.adminToken}`);
  for (const w of config.warnings) lines.push(`  Warning        ${w}`);
  lines.push('');
  return lines;
}
