/**
 * What the bridge answers a billing webhook with, and answers again, word for word, to a redelivery of it: the
 * deliveries table keeps it (repositories/webhook-deliveries.ts) and the intake makes it (use-cases/billing-events.ts).
 */
export interface DeliveryAnswer {
  webhook_id: string;
  type: string;
  applied: boolean;
  note?: string;
  service_id: string;
  desired_state: string | null;
  actual_state: string | null;
  status_url: string | null;
}
