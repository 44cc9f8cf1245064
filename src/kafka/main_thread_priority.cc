#include "kafka/main_thread_priority.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include <librdkafka/rdkafka.h>

namespace parcours::kafka {

namespace {

constexpr const char* kInterceptor = "parcours-main-thread-priority";

rd_kafka_resp_err_t on_thread_start(rd_kafka_t*, rd_kafka_thread_type_t type, const char*,
                                    void* opaque) {
  if (type == RD_KAFKA_THREAD_MAIN) {
    static_cast<MainThreadPriority*>(opaque)->started(static_cast<pid_t>(syscall(SYS_gettid)));
  }
  return RD_KAFKA_RESP_ERR_NO_ERROR;
}

rd_kafka_resp_err_t on_new(rd_kafka_t* rk, const rd_kafka_conf_t*, void* opaque, char*, size_t) {
  return rd_kafka_interceptor_add_on_thread_start(rk, kInterceptor, on_thread_start, opaque);
}

rd_kafka_resp_err_t add_interceptors(rd_kafka_conf_t* conf, void* opaque);

rd_kafka_resp_err_t on_conf_dup(rd_kafka_conf_t* new_conf, const rd_kafka_conf_t*, size_t,
                                const char**, void* opaque) {
  return add_interceptors(new_conf, opaque);
}

rd_kafka_resp_err_t add_interceptors(rd_kafka_conf_t* conf, void* opaque) {
  if (auto e = rd_kafka_conf_interceptor_add_on_new(conf, kInterceptor, on_new, opaque); e) {
    return e;
  }
  return rd_kafka_conf_interceptor_add_on_conf_dup(conf, kInterceptor, on_conf_dup, opaque);
}

}  // namespace

bool main_thread_spins() {
  return rd_kafka_version() < 0x02040000;
}

bool MainThreadPriority::attach(RdKafka::Conf& conf, std::string* error) {
  rd_kafka_conf_t* c = conf.c_ptr_global();
  if (c == nullptr) {
    if (error) *error = "kafka main thread priority: not a global configuration";
    return false;
  }
  if (auto e = add_interceptors(c, this); e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (error) *error = std::string("kafka main thread priority: ") + rd_kafka_err2str(e);
    return false;
  }
  return true;
}

bool MainThreadPriority::lower(int steps) {
  // On Linux PRIO_PROCESS with a thread id reads and sets that thread only, and raising a
  // nice value needs no privilege.
  const auto tid = static_cast<id_t>(tid_.load());
  if (tid == 0) return false;
  errno = 0;
  const int now = getpriority(PRIO_PROCESS, tid);
  if (now == -1 && errno != 0) return false;
  return setpriority(PRIO_PROCESS, tid, std::min(19, now + steps)) == 0;
}

}  // namespace parcours::kafka
