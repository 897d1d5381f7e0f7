/**
 * What `--help` prints: the commands and the options they share (`tracecarrier --help`), and each
 * command's own page (`tracecarrier inspect --help`, `tracecarrier probe --help`) with every option
 * it takes, the short forms, its exit codes and the environment variables the command line reads.
 */

const ENVIRONMENT = `Environment:
  NO_COLOR             set: no colour on a terminal (piped output is never coloured)
  TRACECARRIER_DEBUG   non-empty: the client properties in use (secrets redacted) first, and an
                       unexpected error's stack trace
`;

const CONNECTION = `  -F, --config FILE         client properties from a Java-style properties file (key=value, # and !
                            comments), as Kafka's --command-config and kcat's -F read them; the
                            Java client's names (sasl.mechanism, sasl.jaas.config with
                            PlainLoginModule or ScramLoginModule, a PEM ssl.truststore.location)
                            are translated to librdkafka's
  -X, --client-property K=V a librdkafka client property (repeatable; wins over --config), e.g.
                            -X security.protocol=SASL_SSL -X sasl.mechanisms=SCRAM-SHA-512`;

const SECRETS = `Secret values (passwords, keys, sasl.jaas.config) are never printed: errors and
TRACECARRIER_DEBUG show [redacted]. Brokers that refuse the credentials or the TLS handshake end
the command at once with one line and exit 2.`;

/** What `tracecarrier --help` prints: the commands and the options they share. */
export const USAGE = `tracecarrier — see the trace context a Kafka topic carries, and prove that a pipeline keeps it

Usage:
  tracecarrier inspect -b HOST:PORT -t TOPIC [options]   the trace context each record carries
  tracecarrier probe -b HOST:PORT --to T1 [options]      whether a pipeline keeps a trace
  tracecarrier COMMAND --help                            a command's options and exit codes
  tracecarrier --help | --version

Options of both commands, and the ones each requires:
  -b, --brokers HOST:PORT   the cluster: bootstrap brokers, comma-separated (required by both,
                            unless --config or -X gives bootstrap.servers)
${CONNECTION}
  -t, --topic T             the topic to read (inspect; required)
      --to T1               the topic the probe is sent to (probe; required)
      --json                JSON for scripts instead of text (both)
      --propagator P        how headers carry the context: w3c (default), b3, b3multi, jaeger,
                            or a module path exporting a TextMapPropagator (both)
  -h, --help                this help; after a command, that command's
  -v, --version             the version

${SECRETS}

Exit codes: 0 done (probe: the trace continues), 1 the probe's trace broke, 2 a usage or
connection error; see each command's --help.

${ENVIRONMENT}`;

/** What `tracecarrier inspect --help` prints. */
export const INSPECT_USAGE = `tracecarrier inspect — the trace context each record of a topic carries

Usage: tracecarrier inspect -b HOST:PORT -t TOPIC [options]

Reads records without joining a group or committing anything, and says for each which carrier
gave its context, which others found one, the trace id, parent span id, sampled flag, tracestate,
baggage keys and the diagnostics a consumer would report; then a summary. In text, what a record
holds that a terminal would act on is shown escaped (\\x1b, \\n, \\u202e, …); --json gives it exactly.

Options:
  -b, --brokers HOST:PORT   the cluster: bootstrap brokers, comma-separated (required, unless
                            --config or -X gives bootstrap.servers)
${CONNECTION}
  -t, --topic T             the topic to read (required)
  -p, --partition N         one partition (default: all)
      --from-beginning      from the first record of each partition (default)
  -o, --offset N            from offset N of each partition read
      --last N              the last N records of each partition read
      --since TIME          from the first record at or after TIME: ISO 8601 (2026-12-07T13:40:00Z;
                            no zone: UTC) or a span back from now (90s, 15m, 2h, 7d)
      --until TIME          up to the last record before TIME (not with --follow)
  -n, --limit N             stop after N records
  -f, --follow              keep reading new records until Ctrl-C (without it, the read ends at
                            the end of the partitions as they were when it started)
      --carriers LIST       comma-separated: auto (default: headers, cloudevents-binary,
                            json-envelope, cloudevents-structured), headers, json-envelope,
                            cloudevents-structured, cloudevents-binary, or a module path
                            exporting a Carrier (default export, \`carrier\`, or its only one)
      --show-baggage        print baggage values too (keys only by default)
      --trace-id ID         only records whose context (in any carrier) is in trace ID
      --key K               only records with key K (as shown: text, or base64:…)
      --idle S              end the read after S seconds with no new record (--follow too;
                            without --follow the read also ends after 3 s with nothing new)
      --max-header-bytes N  read as a consumer with these limits does: a header value over N
                            bytes is reported, not parsed (default 16384)
      --max-envelope-bytes N
                            an envelope over N bytes is reported, left as it is (default 16777216)
      --max-context-bytes N an envelope's members besides its data over N bytes: reported (65536)
      --propagator P        how the headers carry a context, as the writing application has it
                            registered: w3c (default), b3 (single header; multi read too), b3multi,
                            jaeger, or a module path exporting a TextMapPropagator. b3 and jaeger
                            need @opentelemetry/propagator-b3 / -jaeger installed beside the CLI
      --isolation LEVEL     read_committed (default: committed records only) or read_uncommitted
                            (records of aborted and open transactions too)
      --json                one JSON object per record (NDJSON), then the summary
  -h, --help                this help

The brokers have 10 s to answer (connecting, topic metadata, offsets), else the command ends with
one line and exit 2.

${SECRETS}

The read is read_committed by default: records of aborted transactions are not shown, nor those
of transactions still open; --isolation read_uncommitted shows them all.

Exit codes:
  0   the read ended: at the end of the partitions, after --limit, on Ctrl-C or SIGTERM, or when
      the output's reader went away (| head)
  2   a usage or connection error: one line on stderr

${ENVIRONMENT}`;

/** What `tracecarrier probe --help` prints. */
export const PROBE_USAGE = `tracecarrier probe — whether a pipeline keeps a trace

Usage: tracecarrier probe -b HOST:PORT --to T1 [--from T2] [options]

Sends a probe record carrying a fresh sampled context to T1 and waits for it on T2, then says
whether the trace continues (the probe's context intact, or a traced hop such as a forwarder
as the new parent in the same trace), through which carrier, which of its headers were dropped
on the way, and the latency.

Options:
  -b, --brokers HOST:PORT   where the probe is sent: bootstrap brokers, comma-separated (required,
                            unless --config or -X gives bootstrap.servers)
${CONNECTION}
      --to T1               the topic the probe is sent to (required)
      --from T2             the topic to wait on (default: T1), e.g. MirrorMaker 2's renamed topic
      --from-brokers H:P    T2's cluster (default: --brokers, or --from-config's bootstrap.servers)
      --from-config FILE    T2's cluster's client properties, as --config (default: with neither
                            this nor --from-client-property, T2's cluster takes --config and -X)
      --from-client-property K=V
                            a client property of T2's cluster, as -X (repeatable)
      --mode MODE           how the probe carries its context: headers (default), envelope or both
      --timeout S           seconds to wait for the probe (default 30)
      --propagator P        how the probe's headers carry its context, as the pipeline's
                            applications have it registered: w3c (default), b3, b3multi, jaeger,
                            or a module path exporting a TextMapPropagator
      --json                the result as one JSON object
  -h, --help                this help

The brokers have 10 s to answer (connecting, topic metadata, offsets), else the command ends with
one line and exit 2.

${SECRETS}

The wait on T2 is read_committed (librdkafka's isolation.level default): a probe forwarded in a
transaction counts once the transaction commits.

Exit codes:
  0   the trace continues: the probe's context intact, or a traced hop's span its new parent
  1   the trace broke: the context lost or another trace's, or the probe not seen in time
  2   a usage or connection error: one line on stderr
  130 Ctrl-C before the probe arrived: one line, "tracecarrier: interrupted"
  143 SIGTERM before the probe arrived: one line, "tracecarrier: terminated"

${ENVIRONMENT}`;
