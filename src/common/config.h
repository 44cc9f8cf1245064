// All configuration of `parcours`, declared once: name, flag, environment variable, default,
// meaning (STYLE habit 7). Flags win over the environment; secrets may also come from files
// (PARCOURS_JWT_SECRET_FILE, PARCOURS_MASTER_KEY_FILE) and are never logged.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace parcours::common {

struct Config {
  // --- where things are
  std::string http_addr = "127.0.0.1:8080";      // PARCOURS_HTTP_ADDR: API, /metrics, health
  std::string kafka_brokers = "127.0.0.1:9092";  // PARCOURS_KAFKA_BROKERS: bootstrap servers
  std::string data_dir = "var/data";             // PARCOURS_DATA_DIR: RocksDB directories
  std::string topic_prefix = "parcours.";        // PARCOURS_TOPIC_PREFIX: e.g. parcours.commands.v1
  // --- topics (created at start if missing; an existing topic that disagrees stops the start)
  int partitions = 12;         // PARCOURS_PARTITIONS: commands, journey-events, access-log
  int small_partitions = 3;    // PARCOURS_SMALL_PARTITIONS: org-events, replies, keys
  int replication_factor = 1;  // PARCOURS_REPLICATION_FACTOR: 3 on a real cluster
  // --- identity of this instance
  std::string instance_id;  // PARCOURS_INSTANCE_ID: stable per instance (transactional.id);
                            // default "<hostname>"
  // --- secrets
  std::string jwt_secret;      // PARCOURS_JWT_SECRET (or _FILE): HS256 key, >= 32 bytes
  std::string jwt_public_key;  // PARCOURS_JWT_PUBLIC_KEY_FILE: PEM RSA or Ed25519 public key
                               // (RS256 / EdDSA tokens), instead of or beside the secret
  std::string master_key;      // PARCOURS_MASTER_KEY (or _FILE): "kid:base64[,kid:base64]"
  // Secrets come from the environment or a file only, never from argv (which any local user
  // can read in /proc).
  // --- who may call
  std::string jwt_issuer;    // PARCOURS_JWT_ISSUER: required `iss` ("" = not checked; required
                             // with a public key)
  std::string jwt_audience;  // PARCOURS_JWT_AUDIENCE: required member of `aud` (idem)
  std::string platform_org = "platform";  // PARCOURS_PLATFORM_ORG: the only organisation whose
                                          // tokens may carry the admin role
  int proof_limit = 20;  // PARCOURS_PROOF_LIMIT: failed proofs of identity (JoinJourney, lookups)
                         // per organisation and hour, at most; 0 = no limit
  // --- write path
  int batch_max = 1000;     // PARCOURS_BATCH_MAX: commands per Kafka transaction at most
  int batch_linger_ms = 5;  // PARCOURS_BATCH_LINGER_MS: most a batch waits for more commands
  int processors = 0;       // PARCOURS_PROCESSORS: command processors of the instance, each with a
                            // disjoint share of its partitions (decision 24); 0 = one per core
                            // it may use (common/cpus.h), at most one per partition
  int reply_timeout_ms = 10000;     // PARCOURS_REPLY_TIMEOUT_MS: then 504, retry with the same key
  int min_version_wait_ms = 5000;   // PARCOURS_MIN_VERSION_WAIT_MS: bound of ?min_version waits
  int reply_visible_wait_ms = 200;  // PARCOURS_REPLY_VISIBLE_WAIT_MS: most an accepted command's
                                    // answer waits for the instance's read models to show its
                                    // version (decision 30); 0 = no wait
  int session_timeout_ms = 10000;   // PARCOURS_SESSION_TIMEOUT_MS: the processors' group session:
                                    // a dead instance's partitions move after this (decision 20)
  // --- HTTP limits
  int max_body_bytes = 64 << 10;  // PARCOURS_MAX_BODY_BYTES: larger bodies get 413
  int http_threads = 2;           // PARCOURS_HTTP_THREADS
  int rate_limit = 100;           // PARCOURS_RATE_LIMIT: requests/s per token (0 = no limit)
  int rate_burst = 200;           // PARCOURS_RATE_BURST: bursts allowed above the rate
  // --- business gauges on /metrics (PASS, waiting candidatures, exits): one scan per period
  int business_gauges_ms = 60000;  // PARCOURS_BUSINESS_GAUGES_MS
  // --- librdkafka statistics of the Kafka clients on /metrics, one document per period
  int kafka_statistics_interval_ms = 5000;  // PARCOURS_KAFKA_STATISTICS_INTERVAL_MS (0: off)
  // --- librdkafka pass-through ("key=value", repeated; env PARCOURS_KAFKA_PROPS "k=v;k=v"),
  //     e.g. security.protocol=SASL_SSL, sasl.mechanism=SCRAM-SHA-512, ssl.ca.location=...
  std::vector<std::string> kafka_props;
  std::string rocksdb_compression = "lz4";  // PARCOURS_ROCKSDB_COMPRESSION: lz4 | none
  std::string log_level = "info";           // PARCOURS_LOG_LEVEL: debug | info | warn | error

  // Topic names.
  std::string commands_topic() const { return topic_prefix + "commands.v1"; }
  std::string events_topic() const { return topic_prefix + "journey-events.v1"; }
  std::string org_events_topic() const { return topic_prefix + "org-events.v1"; }
  std::string replies_topic() const { return topic_prefix + "replies.v1"; }
  std::string keys_topic() const { return topic_prefix + "keys.v1"; }
  std::string access_log_topic() const { return topic_prefix + "access-log.v1"; }
  std::string dead_letters_topic() const { return topic_prefix + "commands-dlq.v1"; }

  // The secrets a subcommand uses: finish() asks for those and no others.
  enum class Secrets {
    none,     // topics, audit, rebuild, bench write and rebuild
    signing,  // token, bench asof: the HS256 secret that signs tokens
    serving,  // serve: a key to verify tokens (secret or public key) and the master key
  };

  // Declares every option on `app` (flags with their environment variables).
  void declare(CLI::App& app, bool with_secrets);
  // Fills secrets from *_FILE variables, the instance id default, and checks bounds and the
  // secrets `needed`. Returns "" or the first problem.
  std::string finish(Secrets needed);
};

}  // namespace parcours::common
