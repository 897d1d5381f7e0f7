/** Who is talking to Kafka: fixed for a wrapped client. */
export interface ClientIdentity {
  readonly clientId?: string | undefined;
  readonly serverAddress?: string | undefined;
  readonly serverPort?: number | undefined;
  readonly groupId?: string | undefined;
}
