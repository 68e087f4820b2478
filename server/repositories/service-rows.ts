/**
 * The services table's rows and the domain's Service: reading a row, the row of a new service, the service just
 * inserted (built from what was written), and which column each changeable field is. services.ts holds the queries.
 */
import { readBoolean, readDate, readNullableDate, readNumber } from '../db/columns';
import type { ActualState, CancellationType, DesiredState, Service } from '../domain/service';

export interface ServiceRow {
  id: number;
  billing_service_id: string;
  client_id: string;
  plan_id: number;
  applied_plan_id: number | null;
  hostname: string | null;
  desired_state: DesiredState;
  actual_state: ActualState;
  vm_id: string | null;
  vm_name: string | null;
  vm_host: string | null;
  last_error: string | null;
  last_event_at: unknown;
  cancellation_type: CancellationType | null;
  cancellation_requested_at: unknown;
  activated_at: unknown;
  os_key: string | null;
  ssh_keys: string | null;
  guest_time_zone: string | null;
  sealed_password: string | null;
  password_generated: unknown;
  created_at: unknown;
  updated_at: unknown;
}

/** Every column a use case may change; identity and timestamps are the repository's. */
export type ServiceChanges = Partial<Omit<Service, 'id' | 'billingServiceId' | 'clientId' | 'createdAt' | 'updatedAt'>>;

export interface NewService {
  billingServiceId: string;
  clientId: string;
  planId: number;
  hostname: string | null;
  desiredState: DesiredState;
  lastEventAt: Date | null;
  osKey?: string | null;
  sshKeys?: string[];
  guestTimeZone?: string | null;
  sealedPassword?: string | null;
  passwordGenerated?: boolean;
}

export function toInsertRow(s: NewService, now: Date): Record<string, unknown> {
  return {
    billing_service_id: s.billingServiceId,
    client_id: s.clientId,
    plan_id: s.planId,
    hostname: s.hostname,
    desired_state: s.desiredState,
    actual_state: 'pending',
    last_event_at: s.lastEventAt,
    os_key: s.osKey ?? null,
    ssh_keys: s.sshKeys?.length ? JSON.stringify(s.sshKeys) : null,
    guest_time_zone: s.guestTimeZone ?? null,
    sealed_password: s.sealedPassword ?? null,
    password_generated: s.passwordGenerated ?? false,
    created_at: now,
    updated_at: now,
  };
}

/** A just-inserted service, built from what was written rather than read back. */
export function inserted(id: number, s: NewService, now: Date): Service {
  return {
    id,
    billingServiceId: s.billingServiceId,
    clientId: s.clientId,
    planId: s.planId,
    appliedPlanId: null,
    hostname: s.hostname,
    desiredState: s.desiredState,
    actualState: 'pending',
    vmId: null,
    vmName: null,
    vmHost: null,
    lastError: null,
    lastEventAt: s.lastEventAt,
    cancellationType: null,
    cancellationRequestedAt: null,
    activatedAt: null,
    osKey: s.osKey ?? null,
    sshKeys: s.sshKeys ?? [],
    guestTimeZone: s.guestTimeZone ?? null,
    sealedPassword: s.sealedPassword ?? null,
    passwordGenerated: s.passwordGenerated ?? false,
    createdAt: now,
    updatedAt: now,
  };
}

export function toService(r: ServiceRow): Service {
  return {
    id: readNumber(r.id),
    billingServiceId: String(r.billing_service_id),
    clientId: String(r.client_id),
    planId: readNumber(r.plan_id),
    appliedPlanId: r.applied_plan_id === null ? null : readNumber(r.applied_plan_id),
    hostname: r.hostname,
    desiredState: r.desired_state,
    actualState: r.actual_state,
    vmId: r.vm_id,
    vmName: r.vm_name,
    vmHost: r.vm_host,
    lastError: r.last_error,
    lastEventAt: readNullableDate(r.last_event_at),
    cancellationType: r.cancellation_type,
    cancellationRequestedAt: readNullableDate(r.cancellation_requested_at),
    activatedAt: readNullableDate(r.activated_at),
    osKey: r.os_key ?? null,
    sshKeys: r.ssh_keys ? (JSON.parse(r.ssh_keys) as string[]) : [],
    guestTimeZone: r.guest_time_zone ?? null,
    sealedPassword: r.sealed_password ?? null,
    passwordGenerated: readBoolean(r.password_generated),
    createdAt: readDate(r.created_at),
    updatedAt: readDate(r.updated_at),
  };
}

export const COLUMNS: Record<keyof ServiceChanges, string> = {
  planId: 'plan_id',
  appliedPlanId: 'applied_plan_id',
  hostname: 'hostname',
  desiredState: 'desired_state',
  actualState: 'actual_state',
  vmId: 'vm_id',
  vmName: 'vm_name',
  vmHost: 'vm_host',
  lastError: 'last_error',
  lastEventAt: 'last_event_at',
  cancellationType: 'cancellation_type',
  cancellationRequestedAt: 'cancellation_requested_at',
  activatedAt: 'activated_at',
  osKey: 'os_key',
  sshKeys: 'ssh_keys',
  guestTimeZone: 'guest_time_zone',
  sealedPassword: 'sealed_password',
  passwordGenerated: 'password_generated',
};
