// The one place Quell includes Boost.Asio and Boost.Beast.
//
// Only net/*.cc files include this header: parsers and domain logic stay
// Asio-free so the clang fuzz builds (which cannot compile Boost 1.74 Asio) and
// light test binaries never see it.
//
// <utility> comes first: Boost 1.74 Asio relies on it being pulled in
// transitively, which g++ 12 headers no longer do under -std=c++20
// (chriskohlhoff/asio#944).
#pragma once

#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace quell::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = boost::asio::ip::tcp;

}  // namespace quell::net
