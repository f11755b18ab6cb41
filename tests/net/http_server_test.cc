#include "quell/net/http_server.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "quell/core/metrics.h"
#include "test_client.h"

namespace quell::net {
namespace {

using namespace std::chrono_literals;
using testing::ParsedResponse;
using testing::TestClient;

std::string MakeTempDir() {
  std::string tmpl = ::testing::TempDir() + "quell_net_XXXXXX";
  const char* dir = mkdtemp(tmpl.data());
  return dir == nullptr ? std::string() : std::string(dir);
}

HttpServerOptions TestOptions() {
  HttpServerOptions o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.threads = 1;
  return o;
}

void EchoHandler(const HttpRequest& req, HttpResponse& res) {
  res.SetHeader("Content-Type", "text/plain");
  res.body = req.method + " " + req.path + " q=" + req.query +
             " x=" + std::string(req.Header("x-test")) + " body=" + req.body;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void Start(HttpServerOptions options, HttpHandler handler = EchoHandler) {
    auto server = HttpServer::Create(std::move(options), std::move(handler));
    ASSERT_TRUE(server.has_value()) << server.status().ToString();
    server_ = std::move(*server);
    const Status s = server_->Start();
    ASSERT_TRUE(s.ok()) << s.ToString();
    port_ = server_->port();
    ASSERT_NE(port_, 0);
  }

  std::unique_ptr<HttpServer> server_;
  uint16_t port_ = 0;
};

TEST_F(HttpServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  Start(TestOptions());
  TestClient c;
  ASSERT_TRUE(c.Connect(port_));
  ASSERT_TRUE(c.Send("GET /a%20b?x=1 HTTP/1.1\r\nHost: t\r\nX-Test: one\r\n\r\n"));
  ParsedResponse r1 = c.ReadResponse();
  EXPECT_EQ(r1.status, 200);
  EXPECT_EQ(r1.body, "GET /a b q=x=1 x=one body=");
  EXPECT_EQ(r1.Header("content-length"), std::to_string(r1.body.size()));
  EXPECT_EQ(r1.Header("server"), "quell");
  EXPECT_EQ(r1.Header("content-type"), "text/plain");
  EXPECT_NE(r1.Header("date").find(" GMT"), std::string::npos);
  EXPECT_EQ(r1.Header("connection"), "");

  ASSERT_TRUE(c.Send("POST /b HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"));
  ParsedResponse r2 = c.ReadResponse();
  EXPECT_EQ(r2.status, 200);
  EXPECT_EQ(r2.body, "POST /b q= x= body=hello");
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  Start(TestOptions());
  TestClient c;
  ASSERT_TRUE(c.Connect(port_));
  ASSERT_TRUE(
      c.Send("GET /1 HTTP/1.1\r\nHost: t\r\n\r\nGET /2 HTTP/1.1\r\nHost: t\r\n\r\n"
             "GET /3 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
  EXPECT_EQ(c.ReadResponse().body, "GET /1 q= x= body=");
  EXPECT_EQ(c.ReadResponse().body, "GET /2 q= x= body=");
  ParsedResponse r3 = c.ReadResponse();
  EXPECT_EQ(r3.body, "GET /3 q= x= body=");
  EXPECT_EQ(r3.Header("connection"), "close");
  EXPECT_TRUE(c.ClosedByPeer());
}

TEST_F(HttpServerTest, ChunkedBodyIsDecoded) {
  Start(TestOptions());
  TestClient c;
  ASSERT_TRUE(c.Connect(port_));
  ASSERT_TRUE(
      c.Send("POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
             "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
  EXPECT_EQ(c.ReadResponse().body, "POST /c q= x= body=abcde");
}

TEST_F(HttpServerTest, Http10ClosesAfterResponse) {
  Start(TestOptions());
  TestClient c;
  ASSERT_TRUE(c.Connect(port_));
  ASSERT_TRUE(c.Send("GET /old HTTP/1.0\r\n\r\n"));
  ParsedResponse r = c.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("connection"), "close");
  EXPECT_TRUE(c.ClosedByPeer());
}

TEST_F(HttpServerTest, Http10KeepAliveWhenAsked) {
  Start(TestOptions());
  TestClient c;
  ASSERT_TRUE(c.Connect(port_));
  ASSERT_TRUE(c.Send("GET /1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  ParsedResponse r = c.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("connection"), "keep-alive");
  ASSERT_TRUE(c.Send("GET /2 HTTP/1.0\r\n\r\n"));
  EXPECT_EQ(c.ReadResponse().body, "GET /2 q= x= body=");
  EXPECT_TRUE(c.ClosedByPeer());
}

TEST_F(HttpServerTest, HeadSendsLengthButNoBody) {
  Start(TestOptions());
  TestClient c;
  ASSERT_TRUE(c.Connect(port_));
  ASSERT_TRUE(c.Send("HEAD /h HTTP/1.1\r\nHost: t\r\n\r\n"));
  ParsedResponse r = c.ReadResponse(/*head_request=*/true);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-length"), std::to_string(std::string("HEAD /h q= x= body=").size()));
  // The next response must start right away: no stray body bytes in between.
  ASSERT_TRUE(c.Send("GET /g HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(c.ReadResponse().body, "GET /g q= x= body=");
}

TEST_F(HttpServerTest, ExpectContinueGetsInterimResponse) {
  Start(TestOptions());
  TestClient c;
  ASSERT_TRUE(c.Connect(port_));
  ASSERT_TRUE(
      c.Send("PUT /e HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"));
  ParsedResponse interim = c.ReadResponse();
  EXPECT_EQ(interim.status, 100);
  ASSERT_TRUE(c.Send("xyz"));
  EXPECT_EQ(c.ReadResponse().body, "PUT /e q= x= body=xyz");
}

TEST_F(HttpServerTest, OversizeBodyGets413AsSoonAsHeadersArrive) {
  HttpServerOptions o = TestOptions();
  o.max_body_bytes = 1024;
  std::atomic<int> calls{0};
  Start(o, [&](const HttpRequest&, HttpResponse&) { ++calls; });
  TestClient c;
  ASSERT_TRUE(c.Connect(port_));
  // Only the headers and a little of the promised body: the answer must not wait.
  ASSERT_TRUE(c.Send("POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n" +
                     std::string(2000, 'a')));
  ParsedResponse r = c.ReadResponse();
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(r.Header("connection"), "close");
  EXPECT_NE(r.body.find(R"({"error":{"code":"payload_too_large")"), std::string::npos) << r.body;
  EXPECT_EQ(calls.load(), 0);
  c.Send(std::string(5000, 'b'));  // the client keeps talking; the server drains, then closes
  EXPECT_TRUE(c.ClosedByPeer());
}

TEST_F(HttpServerTest, BodyAtTheLimitIsAccepted) {
  HttpServerOptions o = TestOptions();
  o.max_body_bytes = 1024;
  Start(o, [](const HttpRequest& req, HttpResponse& res) {
    res.body = std::to_string(req.body.size());
  });
  TestClient c;
  ASSERT_TRUE(c.Connect(port_));
  ASSERT_TRUE(c.Send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1024\r\n\r\n" +
                     std::string(1024, 'a')));
  ParsedResponse r = c.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "1024");
}

TEST_F(HttpServerTest, LargeBodyPathsHaveTheirOwnLimit) {
  HttpServerOptions o = TestOptions();
  o.max_body_bytes = 1024;
  o.large_body_paths = {{"/upload", 8192}};
  Start(o, [](const HttpRequest& req, HttpResponse& res) {
    res.body = req.path + " " + std::to_string(req.body.size());
  });
  TestClient c;
  ASSERT_TRUE(c.Connect(port_));
  // The large path takes 8 KiB, announced or chunked, and keeps the connection.
  ASSERT_TRUE(c.Send("POST /upload?x=1 HTTP/1.1\r\nHost: t\r\nContent-Length: 8192\r\n\r\n" +
                     std::string(8192, 'a')));
  EXPECT_EQ(c.ReadResponse().body, "/upload 8192");
  ASSERT_TRUE(
      c.Send("POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
             "1000\r\n" +
             std::string(4096, 'b') + "\r\n0\r\n\r\n"));
  EXPECT_EQ(c.ReadResponse().body, "/upload 4096");
  // Other paths keep the default limit, announced or chunked.
  ASSERT_TRUE(c.Send("POST /other HTTP/1.1\r\nHost: t\r\nContent-Length: 2048\r\n\r\n"));
  ParsedResponse r = c.ReadResponse();
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(r.body.find("1024 bytes"), std::string::npos) << r.body;
  TestClient d;
  ASSERT_TRUE(d.Connect(port_));
  ASSERT_TRUE(
      d.Send("POST /other HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
             "800\r\n" +
             std::string(2048, 'c') + "\r\n0\r\n\r\n"));
  EXPECT_EQ(d.ReadResponse().status, 413);
  // And the large path its own.
  TestClient e;
  ASSERT_TRUE(e.Connect(port_));
  ASSERT_TRUE(e.Send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 9000\r\n\r\n"));
  r = e.ReadResponse();
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(r.body.find("8192 bytes"), std::string::npos) << r.body;
}

TEST_F(HttpServerTest, OversizeHeadersGet431) {
  HttpServerOptions o = TestOptions();
  o.max_header_bytes = 1024;
  Start(o);
  TestClient c;
  ASSERT_TRUE(c.Connect(port_));
  ASSERT_TRUE(c.Send("GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(4000, 'v') + "\r\n\r\n"));
  ParsedResponse r = c.ReadResponse();
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_NE(r.body.find("\"code\":\"payload_too_large\""), std::string::npos) << r.body;
  EXPECT_TRUE(c.ClosedByPeer());
}

TEST_F(HttpServerTest, GarbageGets400AndClose) {
  Start(TestOptions());
  TestClient c;
  ASSERT_TRUE(c.Connect(port_));
  ASSERT_TRUE(c.Send("this is not http\r\n\r\n"));
  ParsedResponse r = c.ReadResponse();
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_NE(r.body.find("\"code\":\"invalid_argument\""), std::string::npos) << r.body;
  EXPECT_TRUE(c.ClosedByPeer());
}

TEST_F(HttpServerTest, AmbiguousFramingGets400) {
  std::atomic<int> calls{0};
  Start(TestOptions(), [&](const HttpRequest&, HttpResponse&) { ++calls; });
  for (const char* request :
       {"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n",
        "GET / HTTP/1.1\r\nBad Header: x\r\n\r\n"}) {
    TestClient c;
    ASSERT_TRUE(c.Connect(port_));
    ASSERT_TRUE(c.Send(request));
    EXPECT_EQ(c.ReadResponse().status, 400) << request;
    EXPECT_TRUE(c.ClosedByPeer()) << request;
  }
  EXPECT_EQ(calls.load(), 0);
}

TEST_F(HttpServerTest, MalformedTargetGets400) {
  std::atomic<int> calls{0};
  Start(TestOptions(), [&](const HttpRequest&, HttpResponse&) { ++calls; });
  TestClient c;
  ASSERT_TRUE(c.Connect(port_));
  ASSERT_TRUE(c.Send("GET /a%zz HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(c.ReadResponse().status, 400);
  EXPECT_EQ(calls.load(), 0);
}

TEST_F(HttpServerTest, AbsoluteFormTargetIsRouted) {
  Start(TestOptions());
  TestClient c;
  ASSERT_TRUE(c.Connect(port_));
  ASSERT_TRUE(c.Send("GET http://example.com/abs?k=v HTTP/1.1\r\nHost: example.com\r\n\r\n"));
  EXPECT_EQ(c.ReadResponse().body, "GET /abs q=k=v x= body=");
}

TEST_F(HttpServerTest, IncompleteRequestGets408AfterRequestTimeout) {
  HttpServerOptions o = TestOptions();
  o.request_timeout = 300ms;
  Start(o);
  TestClient c;
  ASSERT_TRUE(c.Connect(port_));
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(c.Send("GET / HTTP/1.1\r\nHost: t\r\n"));  // never finished
  ParsedResponse r = c.ReadResponse();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.status, 408);
  EXPECT_NE(r.body.find("\"code\":\"deadline_exceeded\""), std::string::npos) << r.body;
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 2s);
  EXPECT_TRUE(c.ClosedByPeer());
}

TEST_F(HttpServerTest, SilentNewConnectionIsClosedAfterRequestTimeout) {
  HttpServerOptions o = TestOptions();
  o.request_timeout = 300ms;
  Start(o);
  TestClient c;
  ASSERT_TRUE(c.Connect(port_));
  EXPECT_TRUE(c.ClosedByPeer(3s));
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionIsClosed) {
  HttpServerOptions o = TestOptions();
  o.idle_timeout = 300ms;
  Start(o);
  TestClient c;
  ASSERT_TRUE(c.Connect(port_));
  ASSERT_TRUE(c.Send("GET / HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(c.ReadResponse().status, 200);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.ClosedByPeer(3s));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 2s);
}

TEST_F(HttpServerTest, HandlerExceptionBecomes500WithoutDetails) {
  Start(TestOptions(), [](const HttpRequest&, HttpResponse& res) {
    res.SetHeader("X-Partial", "yes");
    throw std::runtime_error("secret database password in message");
  });
  TestClient c;
  ASSERT_TRUE(c.Connect(port_));
  ASSERT_TRUE(c.Send("GET / HTTP/1.1\r\nHost: t\r\n\r\n"));
  ParsedResponse r = c.ReadResponse();
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, ErrorBody("internal", "internal error"));
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(r.Header("x-partial"), "");
  EXPECT_EQ(r.head.find("secret"), std::string::npos);
  // The connection survives.
  ASSERT_TRUE(c.Send("GET / HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(c.ReadResponse().status, 500);
}

TEST_F(HttpServerTest, ServerOwnedHeadersFromHandlerAreIgnored) {
  Start(TestOptions(), [](const HttpRequest&, HttpResponse& res) {
    res.SetHeader("Content-Length", "999");
    res.SetHeader("X-Evil", "a\r\nSet-Cookie: x=1");
    res.SetHeader("X-Fine", "ok");
    res.body = "abc";
  });
  TestClient c;
  ASSERT_TRUE(c.Connect(port_));
  ASSERT_TRUE(c.Send("GET / HTTP/1.1\r\nHost: t\r\n\r\n"));
  ParsedResponse r = c.ReadResponse();
  EXPECT_EQ(r.Header("content-length"), "3");
  EXPECT_EQ(r.body, "abc");
  EXPECT_EQ(r.Header("x-evil"), "");
  EXPECT_EQ(r.Header("set-cookie"), "");
  EXPECT_EQ(r.Header("x-fine"), "ok");
}

TEST_F(HttpServerTest, AccessLogHasPrincipalWhichIsNotSent) {
  const std::string dir = MakeTempDir();
  ASSERT_FALSE(dir.empty());
  HttpServerOptions o = TestOptions();
  o.access_log_path = dir + "/access.log";
  Start(o, [](const HttpRequest& req, HttpResponse& res) {
    if (req.path == "/who") res.SetHeader("X-Quell-Principal", "key:alice");
    res.body = "0123456789";
  });
  TestClient c;
  ASSERT_TRUE(c.Connect(port_));
  ASSERT_TRUE(c.Send("GET /who?q=1 HTTP/1.1\r\nHost: t\r\n\r\n"));
  ParsedResponse r = c.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("x-quell-principal"), "");
  ASSERT_TRUE(c.Send("GET /anon HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(c.ReadResponse().status, 200);
  server_->Shutdown(1s);

  std::ifstream in(o.access_log_path);
  std::string line1, line2;
  ASSERT_TRUE(std::getline(in, line1));
  ASSERT_TRUE(std::getline(in, line2));
  EXPECT_EQ(line1.rfind("127.0.0.1 - key:alice [", 0), 0u) << line1;
  EXPECT_NE(line1.find(" +0000] \"GET /who?q=1 HTTP/1.1\" 200 10 "), std::string::npos) << line1;
  EXPECT_EQ(line2.rfind("127.0.0.1 - - [", 0), 0u) << line2;
  EXPECT_NE(line2.find("\"GET /anon HTTP/1.1\" 200 10 "), std::string::npos) << line2;
}

TEST_F(HttpServerTest, CountsRequestsInMetrics) {
  Start(TestOptions(), [](const HttpRequest& req, HttpResponse& res) {
    res.status = req.path == "/missing" ? 404 : 200;
  });
  const auto before =
      metrics::GetCounter("quell_http_requests_total", "", {{"code", "4xx"}}).Value();
  TestClient c;
  ASSERT_TRUE(c.Connect(port_));
  ASSERT_TRUE(c.Send("GET /missing HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(c.ReadResponse().status, 404);
  // The count happens once the response is written, just after the client sees it.
  for (int i = 0; i < 100; ++i) {
    if (metrics::GetCounter("quell_http_requests_total", "", {{"code", "4xx"}}).Value() > before)
      break;
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(metrics::GetCounter("quell_http_requests_total", "", {{"code", "4xx"}}).Value(),
            before + 1);
  const std::string text = metrics::SerializeText();
  EXPECT_NE(text.find("quell_http_request_duration_seconds_bucket"), std::string::npos);
}

TEST_F(HttpServerTest, SeveralThreadsShareThePort) {
  HttpServerOptions o = TestOptions();
  o.threads = 2;
  Start(o);
  std::vector<std::unique_ptr<TestClient>> clients;
  for (int i = 0; i < 16; ++i) {
    clients.push_back(std::make_unique<TestClient>());
    ASSERT_TRUE(clients.back()->Connect(port_));
  }
  for (int round = 0; round < 3; ++round) {
    for (auto& c : clients) ASSERT_TRUE(c->Send("GET /m HTTP/1.1\r\nHost: t\r\n\r\n"));
    for (auto& c : clients) EXPECT_EQ(c->ReadResponse().body, "GET /m q= x= body=");
  }
}

TEST_F(HttpServerTest, PortInUseFailsWithUnavailable) {
  for (int threads : {1, 2}) {
    HttpServerOptions o = TestOptions();
    o.threads = 2;
    Start(o);
    HttpServerOptions o2 = TestOptions();
    o2.threads = threads;
    o2.port = port_;
    auto second = HttpServer::Create(o2, EchoHandler);
    ASSERT_TRUE(second.has_value());
    const Status s = (*second)->Start();
    EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
    EXPECT_NE(s.message().find(std::to_string(port_)), std::string::npos) << s.message();
    server_.reset();
  }
}

TEST_F(HttpServerTest, CreateRejectsBadOptions) {
  EXPECT_FALSE(HttpServer::Create(TestOptions(), nullptr).has_value());
  HttpServerOptions o = TestOptions();
  o.threads = -1;
  EXPECT_EQ(HttpServer::Create(o, EchoHandler).status().code(), StatusCode::kInvalidArgument);
  o = TestOptions();
  o.request_timeout = 0ms;
  EXPECT_EQ(HttpServer::Create(o, EchoHandler).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(HttpServerTest, GracefulShutdownFinishesInFlightRequest) {
  HttpServerOptions o = TestOptions();
  o.threads = 2;
  std::atomic<bool> entered{false};
  Start(o, [&](const HttpRequest& req, HttpResponse& res) {
    if (req.path == "/slow") {
      entered = true;
      std::this_thread::sleep_for(300ms);
    }
    res.body = std::string(100000, 'z');  // bigger than one socket write
  });
  TestClient idle;
  ASSERT_TRUE(idle.Connect(port_));
  ASSERT_TRUE(idle.Send("GET /fast HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(idle.ReadResponse().status, 200);

  TestClient busy;
  ASSERT_TRUE(busy.Connect(port_));
  ASSERT_TRUE(busy.Send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n"));
  for (int i = 0; i < 200 && !entered; ++i) std::this_thread::sleep_for(5ms);
  ASSERT_TRUE(entered);

  std::atomic<bool> shutdown_returned{false};
  std::thread stopper([&] {
    server_->Shutdown(5s);
    shutdown_returned = true;
  });
  ParsedResponse r = busy.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body.size(), 100000u);
  EXPECT_EQ(r.Header("connection"), "close");
  EXPECT_TRUE(busy.ClosedByPeer());
  EXPECT_TRUE(idle.ClosedByPeer());
  stopper.join();
  EXPECT_TRUE(shutdown_returned);

  TestClient late;
  EXPECT_FALSE(late.Connect(port_));
  server_->Shutdown(1s);  // idempotent
}

TEST_F(HttpServerTest, ShutdownForceClosesAfterGrace) {
  HttpServerOptions o = TestOptions();
  Start(o);
  TestClient slowloris;
  ASSERT_TRUE(slowloris.Connect(port_));
  ASSERT_TRUE(slowloris.Send("GET / HTTP/1.1\r\nHost: t\r\n"));  // never finished
  std::this_thread::sleep_for(50ms);
  const auto start = std::chrono::steady_clock::now();
  server_->Shutdown(200ms);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, 150ms);
  EXPECT_LT(elapsed, 2s);
  EXPECT_TRUE(slowloris.ClosedByPeer(1s));
}

TEST_F(HttpServerTest, ShutdownWithoutStartAndDestructorAreSafe) {
  auto server = HttpServer::Create(TestOptions(), EchoHandler);
  ASSERT_TRUE(server.has_value());
  (*server)->Shutdown(0ms);
  EXPECT_FALSE((*server)->Start().ok());
  Start(TestOptions());
  TestClient c;
  ASSERT_TRUE(c.Connect(port_));
  server_.reset();  // destructor shuts down with an open connection
  EXPECT_TRUE(c.ClosedByPeer(2s));
}

// --- HTTPS --------------------------------------------------------------------

class HttpsTest : public HttpServerTest {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    ASSERT_FALSE(dir_.empty());
    cert_ = dir_ + "/cert.pem";
    key_ = dir_ + "/key.pem";
    const std::string cmd =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1"
        " -subj /CN=localhost -keyout " +
        key_ + " -out " + cert_ + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }
  HttpServerOptions TlsOptions() {
    HttpServerOptions o = TestOptions();
    o.tls_cert_file = cert_;
    o.tls_key_file = key_;
    return o;
  }
  std::string dir_, cert_, key_;
};

TEST_F(HttpsTest, ServesOverTls) {
  Start(TlsOptions(), [](const HttpRequest& req, HttpResponse& res) {
    res.body = std::string(req.tls ? "tls " : "plain ") + req.path + " " + req.body;
  });
  TestClient c;
  ASSERT_TRUE(c.Connect(port_, /*tls=*/true));
  ASSERT_TRUE(c.Send("GET /secure HTTP/1.1\r\nHost: t\r\n\r\n"));
  ParsedResponse r = c.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "tls /secure ");
  ASSERT_TRUE(c.Send(
      "POST /again HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi"));
  r = c.ReadResponse();
  EXPECT_EQ(r.body, "tls /again hi");
  EXPECT_EQ(r.Header("connection"), "close");
  EXPECT_TRUE(c.ClosedByPeer());
}

// Bodies larger than one TLS record (16 KiB) arrive whole, twice on one
// connection (a two-buffer write once stalled here).
TEST_F(HttpsTest, LargeBodiesOverTls) {
  Start(TlsOptions(), [](const HttpRequest& req, HttpResponse& res) {
    res.body = std::string(req.path == "/big" ? 300'000 : 16'500, 'x');
  });
  TestClient c;
  ASSERT_TRUE(c.Connect(port_, /*tls=*/true));
  for (const char* path : {"/medium", "/big"}) {
    ASSERT_TRUE(c.Send(std::string("GET ") + path + " HTTP/1.1\r\nHost: t\r\n\r\n"));
    ParsedResponse r = c.ReadResponse();
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.body.size(), std::string_view(path) == "/big" ? 300'000u : 16'500u) << path;
  }
}

TEST_F(HttpsTest, TimeoutAnd413WorkOverTls) {
  HttpServerOptions o = TlsOptions();
  o.request_timeout = 300ms;
  o.max_body_bytes = 10;
  Start(o);
  TestClient slow;
  ASSERT_TRUE(slow.Connect(port_, true));
  ASSERT_TRUE(slow.Send("GET / HTTP/1.1\r\n"));
  EXPECT_EQ(slow.ReadResponse().status, 408);
  TestClient big;
  ASSERT_TRUE(big.Connect(port_, true));
  ASSERT_TRUE(big.Send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\n"));
  EXPECT_EQ(big.ReadResponse().status, 413);
}

TEST_F(HttpsTest, PlainClientOnTlsPortIsDropped) {
  Start(TlsOptions());
  TestClient c;
  ASSERT_TRUE(c.Connect(port_));
  ASSERT_TRUE(c.Send("GET / HTTP/1.1\r\nHost: t\r\n\r\n"));
  c.ReadAll(3s);
  EXPECT_TRUE(c.eof());
}

TEST_F(HttpsTest, BadTlsFilesFailStartNamingTheFile) {
  HttpServerOptions o = TlsOptions();
  o.tls_cert_file = dir_ + "/missing.pem";
  auto server = HttpServer::Create(o, EchoHandler);
  ASSERT_TRUE(server.has_value());
  Status s = (*server)->Start();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("missing.pem"), std::string::npos) << s.message();

  o = TlsOptions();
  o.tls_key_file = cert_;  // a certificate is not a key
  server = HttpServer::Create(o, EchoHandler);
  ASSERT_TRUE(server.has_value());
  s = (*server)->Start();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find(cert_), std::string::npos) << s.message();

  o = TlsOptions();
  o.tls_key_file.clear();
  server = HttpServer::Create(o, EchoHandler);
  ASSERT_TRUE(server.has_value());
  EXPECT_EQ((*server)->Start().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace quell::net
