#include "common/config.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>

#include "common/files.h"

namespace parcours::common {

namespace {
std::string read_secret_file(const char* env) {
  const char* path = std::getenv(env);
  if (!path || !*path) return {};
  std::string s = read_whole_file(path).value_or("");
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}
}  // namespace

void Config::declare(CLI::App& app, bool with_secrets) {
  app.add_option("--http-addr", http_addr, "API listen address host:port")
      ->envname("PARCOURS_HTTP_ADDR")
      ->capture_default_str();
  app.add_option("--kafka-brokers", kafka_brokers, "Kafka bootstrap servers")
      ->envname("PARCOURS_KAFKA_BROKERS")
      ->capture_default_str();
  app.add_option("--data-dir", data_dir, "directory of the RocksDB stores")
      ->envname("PARCOURS_DATA_DIR")
      ->capture_default_str();
  app.add_option("--topic-prefix", topic_prefix, "prefix of every topic name")
      ->envname("PARCOURS_TOPIC_PREFIX")
      ->capture_default_str();
  app.add_option("--partitions", partitions, "partitions of commands and journey-events")
      ->envname("PARCOURS_PARTITIONS")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_option("--small-partitions", small_partitions,
                 "partitions of org-events, replies and keys")
      ->envname("PARCOURS_SMALL_PARTITIONS")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  app.add_option("--replication-factor", replication_factor, "replication of created topics")
      ->envname("PARCOURS_REPLICATION_FACTOR")
      ->check(CLI::Range(1, 7))
      ->capture_default_str();
  app.add_option("--instance-id", instance_id, "stable id of this instance (transactional.id)")
      ->envname("PARCOURS_INSTANCE_ID");
  (void)with_secrets;  // secrets are read from the environment by finish(), never from argv
  app.add_option("--jwt-issuer", jwt_issuer, "required iss of bearer tokens")
      ->envname("PARCOURS_JWT_ISSUER");
  app.add_option("--jwt-audience", jwt_audience, "required aud of bearer tokens")
      ->envname("PARCOURS_JWT_AUDIENCE");
  app.add_option("--platform-org", platform_org, "organisation whose tokens may be admin")
      ->envname("PARCOURS_PLATFORM_ORG")
      ->capture_default_str();
  app.add_option("--proof-limit", proof_limit,
                 "failed proofs of identity per organisation and hour (0: no limit)")
      ->envname("PARCOURS_PROOF_LIMIT")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  app.add_option("--batch-max", batch_max, "commands per Kafka transaction at most")
      ->envname("PARCOURS_BATCH_MAX")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option(
         "--batch-linger-ms", batch_linger_ms,
         "most a batch waits for more commands, after an idle spell and when more are due (ms)")
      ->envname("PARCOURS_BATCH_LINGER_MS")
      ->check(CLI::Range(0, 1000))
      ->capture_default_str();
  app.add_option("--processors", processors,
                 "command processors of the instance, each a group member (0: one per usable core)")
      ->envname("PARCOURS_PROCESSORS")
      ->check(CLI::Range(0, 64))
      ->capture_default_str();
  app.add_option("--reply-timeout-ms", reply_timeout_ms, "command reply timeout (ms)")
      ->envname("PARCOURS_REPLY_TIMEOUT_MS")
      ->check(CLI::Range(100, 600000))
      ->capture_default_str();
  app.add_option("--min-version-wait-ms", min_version_wait_ms, "bound of min_version waits (ms)")
      ->envname("PARCOURS_MIN_VERSION_WAIT_MS")
      ->check(CLI::Range(0, 60000))
      ->capture_default_str();
  app.add_option("--reply-visible-wait-ms", reply_visible_wait_ms,
                 "most an accepted command's answer waits for the read models to show it (ms)")
      ->envname("PARCOURS_REPLY_VISIBLE_WAIT_MS")
      ->check(CLI::Range(0, 60000))
      ->capture_default_str();
  app.add_option("--session-timeout-ms", session_timeout_ms,
                 "processor group session: a dead instance's partitions move after this (ms; "
                 "brokers refuse less than their group.min.session.timeout.ms)")
      ->envname("PARCOURS_SESSION_TIMEOUT_MS")
      ->check(CLI::Range(1000, 300000))
      ->capture_default_str();
  app.add_option("--max-body-bytes", max_body_bytes, "largest accepted request body")
      ->envname("PARCOURS_MAX_BODY_BYTES")
      ->check(CLI::Range(1024, 64 << 20))
      ->capture_default_str();
  app.add_option("--http-threads", http_threads, "HTTP I/O threads")
      ->envname("PARCOURS_HTTP_THREADS")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--rate-limit", rate_limit, "requests per second per token (0: no limit)")
      ->envname("PARCOURS_RATE_LIMIT")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  app.add_option("--rate-burst", rate_burst, "burst of requests above the rate")
      ->envname("PARCOURS_RATE_BURST")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  app.add_option("--business-gauges-ms", business_gauges_ms,
                 "period of the business gauges' refresh (a scan of the indexes)")
      ->envname("PARCOURS_BUSINESS_GAUGES_MS")
      ->check(CLI::Range(100, 86400000))
      ->capture_default_str();
  app.add_option("--kafka-statistics-interval-ms", kafka_statistics_interval_ms,
                 "period of the Kafka clients' statistics on /metrics (0: none)")
      ->envname("PARCOURS_KAFKA_STATISTICS_INTERVAL_MS")
      ->check(CLI::Range(0, 3600000))
      ->capture_default_str();
  app.add_option("--kafka-prop", kafka_props, "librdkafka property key=value (repeatable)");
  app.add_option("--rocksdb-compression", rocksdb_compression, "lz4 | none")
      ->envname("PARCOURS_ROCKSDB_COMPRESSION")
      ->check(CLI::IsMember({"lz4", "none"}))
      ->capture_default_str();
  app.add_option("--log-level", log_level, "debug | info | warn | error")
      ->envname("PARCOURS_LOG_LEVEL")
      ->capture_default_str();
}

std::string Config::finish(Secrets needed) {
  if (const char* props = std::getenv("PARCOURS_KAFKA_PROPS"); props && *props) {
    std::string all(props);
    std::size_t pos = 0;
    while (pos < all.size()) {
      const std::size_t end = std::min(all.find(';', pos), all.size());
      if (end > pos) kafka_props.insert(kafka_props.begin(), all.substr(pos, end - pos));
      pos = end + 1;
    }
  }
  for (const auto& p : kafka_props) {
    if (p.find('=') == std::string::npos || p.front() == '=') {
      return "kafka property '" + p.substr(0, p.find('=')) + "' is not key=value";
    }
  }
  if (const char* v = std::getenv("PARCOURS_JWT_SECRET"); v && *v) jwt_secret = v;
  if (const char* v = std::getenv("PARCOURS_MASTER_KEY"); v && *v) master_key = v;
  if (jwt_secret.empty()) jwt_secret = read_secret_file("PARCOURS_JWT_SECRET_FILE");
  if (master_key.empty()) master_key = read_secret_file("PARCOURS_MASTER_KEY_FILE");
  if (jwt_public_key.empty()) jwt_public_key = read_secret_file("PARCOURS_JWT_PUBLIC_KEY_FILE");
  if (instance_id.empty()) {
    char host[256] = {0};
    gethostname(host, sizeof host - 1);
    instance_id = host[0] ? host : "parcours";
  }
  if (needed == Secrets::signing && jwt_secret.size() < 32) {
    // A public key verifies tokens but cannot sign them.
    return "PARCOURS_JWT_SECRET (or PARCOURS_JWT_SECRET_FILE) is missing or shorter than 32 "
           "bytes: it signs the tokens";
  }
  if (needed == Secrets::serving) {
    if (jwt_public_key.empty() && jwt_secret.size() < 32) {
      return "PARCOURS_JWT_SECRET is missing or shorter than 32 bytes (or set "
             "PARCOURS_JWT_PUBLIC_KEY_FILE)";
    }
    if (master_key.empty()) return "PARCOURS_MASTER_KEY is missing";
  }
  if (http_addr.find(':') == std::string::npos) return "PARCOURS_HTTP_ADDR must be host:port";
  return {};
}

}  // namespace parcours::common
