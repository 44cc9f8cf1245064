#include "kafka/kafka_settings.h"

#include <gtest/gtest.h>

namespace parcours::kafka {
namespace {

std::string client_id(const KafkaSettings& s) {
  std::string error;
  auto conf = make_conf(s, ClientRole::idempotent_producer, {}, &error);
  EXPECT_TRUE(conf) << error;
  std::string id;
  if (conf) {
    EXPECT_EQ(conf->get("client.id", id), RdKafka::Conf::CONF_OK);
  }
  return id;
}

TEST(KafkaSettings, ANamedClientTellsTheBrokersItsName) {
  KafkaSettings s;
  EXPECT_EQ(client_id(s), "parcours");
  EXPECT_EQ(client_id(named(s, "access-log-producer")), "parcours-access-log-producer");
}

TEST(KafkaSettings, TheOperatorMayStillSetTheClientId) {
  KafkaSettings s;
  s.passthrough = {"client.id=site-a"};
  EXPECT_EQ(client_id(named(s, "access-log-producer")), "site-a");
}

}  // namespace
}  // namespace parcours::kafka
