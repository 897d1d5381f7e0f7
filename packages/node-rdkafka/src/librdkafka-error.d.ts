// node-rdkafka's error class (lib/error.js, no types of its own): built from a code, it carries
// librdkafka's text for that code.
declare module 'node-rdkafka/lib/error.js' {
  const LibrdKafkaError: new (code: number) => { readonly message: string; readonly code: number };
  export default LibrdKafkaError;
}
