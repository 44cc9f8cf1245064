// Every Boost.Asio / Boost.Beast header parcours_http uses, included in one place.
// Internal to parcours_http.
//
// GCC's -Wnull-dereference fires inside Asio's scheduler (boost/asio/detail/impl/scheduler.ipp,
// compensating_work_started: a pointer the surrounding logic guarantees non-null) once it is
// inlined. It is a middle-end warning, so the system-header exemption does not reach it; the
// pragma silences it for these headers' own lines only, never for our code.
#pragma once

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#pragma GCC diagnostic pop

#include <string_view>

namespace parcours::http::detail {

// Boost 1.74's beast::string_view is boost::string_view, not std::string_view.
inline std::string_view to_std(boost::beast::string_view s) {
  return {s.data(), s.size()};
}

}  // namespace parcours::http::detail
