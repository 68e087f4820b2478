/**
 * Failover capacity and HA readiness, as pure functions of a cluster snapshot. The oVirt client builds the
 * {@link ClusterInventory}; the admin API, the capacity endpoint and the provisioning gate call these.
 */
export * from './inventory';
export { ENGINE_HOST_GUEST_OVERHEAD_BYTES, ENGINE_RESERVED_MEMORY_BYTES, schedulingMemoryBytes, vmOverheadBytes } from './engine-memory';
export { hostCapacities, hostCapacity, type HostCapacity, isUpHost, occupiesHost } from './host-capacity';
export type { NotPlacedReason } from './placement';
export { whatIf, type FailoverPlacement, type FailoverVmOutcome, type SurvivingHost } from './what-if';
export type { BoundNumbers } from './n-plus-k-bound';
export { checkNPlusK, combinationCount, type FailureCase, MAX_LISTED_FAILURES, type NPlusKStatus, type NPlusKVerdict } from './n-plus-k';
export { canSell, evaluateSale, newVm, type SellRefusal, type SellVerdict } from './sell-gate';
// The working model, for callers that evaluate many sales against one snapshot (the order gate).
export { addVmToModel, buildCapacityModel, type CapacityModel, pickHostForNewVm } from './capacity-model';
export { sellableHeadroom, sellableHeadroomForPlans, type SellableHeadroom } from './sellable-headroom';
export { describeDrift, findHaDrift, type HaDrift } from './ha-drift';
export type { FindingStatus, ReadinessCheckId, ReadinessFinding } from './readiness-checks';
export { auditReadiness, type ReadinessReport, worstStatus } from './readiness-audit';
