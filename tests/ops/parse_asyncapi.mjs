// Parses an AsyncAPI document with @asyncapi/parser (which also resolves every $ref, to the
// JSON Schemas of events/schemas/ among others) and prints what tests/ops/test_asyncapi.py
// checks, as JSON: the parser's diagnostics, and per channel its address, Kafka bindings and
// messages (name, key binding, and for events the resolved envelope and data schemas' $id).
import { Parser, fromFile } from "@asyncapi/parser";

const parser = new Parser();
const { document, diagnostics } = await fromFile(parser, process.argv[2]).parse();
const out = {
  diagnostics: diagnostics.map((d) => ({ severity: d.severity, code: String(d.code),
                                         message: d.message, path: d.path })),
  version: document ? document.version() : null,
  channels: {},
};
if (document) {
  for (const channel of document.channels()) {
    const kafka = channel.bindings().get("kafka");
    out.channels[channel.id()] = {
      address: channel.address(),
      tags: channel.tags().all().map((t) => t.name()),
      kafka: kafka ? kafka.value() : null,
      messages: channel.messages().all().map((m) => {
        const schema = m.payload() ? m.payload().json().schema ?? m.payload().json() : null;
        const parts = schema && schema.allOf ? schema.allOf : [];
        const key = m.bindings().get("kafka");
        return {
          id: m.id(),
          name: m.name(),
          key: key ? key.value().key ?? null : null,
          envelope: parts[0] ? parts[0].$id ?? null : null,
          type: parts[1] ? parts[1].properties?.type?.const ?? null : null,
          data: parts[1] ? parts[1].properties?.data?.$id ?? null : null,
        };
      }),
    };
  }
  out.operations = document.operations().all().map((o) => ({
    id: o.id(), action: o.action(), channels: o.channels().all().map((c) => c.id()) }));
}
process.stdout.write(JSON.stringify(out));
