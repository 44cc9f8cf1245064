// A lower scheduling priority for the main thread of librdkafka's transactional producers,
// in librdkafka releases before 2.4.0.
//
// librdkafka's main thread sleeps until its next timer in whole milliseconds, rounded down
// (`rd_kafka_thread_main`, fixed upstream in 2.4.0, confluentinc/librdkafka#4671): when a timer
// is due in less than a millisecond it polls its queue without waiting, over and over, until
// the timer fires. A transactional producer arms such a timer twice per transaction (the
// registration of the transaction's partitions, "immediate" = 1 ms, then again when the broker
// answers), so the main thread of each processor's producer spins for about 2 ms per
// transaction: 15 % of a core each at 500 commands/s (decision 27), taken from the threads
// that serve requests, and from the broker where it shares the machine.
//
// The spin cannot be removed from outside the library (the loop and its timer functions are
// internal). What can be done is to make it give way: once the producer is made, its main
// thread runs `kMainThreadNiceSteps` nice values below the thread that made it (at most 19),
// so that when the cores are busy the spin gets what the other threads leave, and when they
// are not it costs nobody anything. The main thread's own work (the transaction's state
// machine) is small and wakes on events. It is lowered only after init_transactions(): the
// main thread makes the transaction coordinator's broker thread then, and a thread inherits
// the nice value of the thread that makes it; an unprivileged thread cannot raise it back.
//
// The main thread's id is learnt through librdkafka's interceptors: on_new() adds an
// on_thread_start() interceptor to the client, and on_conf_dup() carries both over to the copy
// of the configuration that the C++ API makes when it creates the client.
//
// Thread-safety: attach() and lower() from the thread that makes the client.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <string>

#include <librdkafka/rdkafkacpp.h>

namespace parcours::kafka {

inline constexpr int kMainThreadNiceSteps = 10;

// True if this librdkafka's main thread spins on sub-millisecond timers (before 2.4.0).
bool main_thread_spins();

class MainThreadPriority {
 public:
  // Learns the id of the main thread of the client to be made from `conf`. Must outlive the
  // client's creation. False and *error if the interceptors cannot be added.
  bool attach(RdKafka::Conf& conf, std::string* error);
  // Sets the main thread `steps` nice values below its own, at most 19. False if the thread
  // is not known or the system refuses (the client works as before).
  bool lower(int steps);

  // For librdkafka's thread-start interceptor.
  void started(pid_t tid) { tid_.store(tid); }

 private:
  std::atomic<pid_t> tid_{0};
};

}  // namespace parcours::kafka
