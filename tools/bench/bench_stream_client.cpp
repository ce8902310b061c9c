//
// bench_stream_client.cpp
//
// The streaming load client of the benchmark: keeps N requests in flight
// against one loopback HTTP endpoint that answers with server-sent events,
// and prints one JSON object with the latency percentiles, the rate, the
// errors and (optionally) what a watched process used meanwhile.
//
// Why not Poco::Net: one blocking HTTPClientSession per stream needs one
// thread per stream, and 10000 client threads would measure the client.
// Non-blocking sockets and one epoll set per worker thread hold any number
// of streams with a couple of threads.
//
// Per request it measures, from the moment the request starts to be written
// (the connect excluded):
//   ttfe   time to the first event that carries text, i.e. a data line whose
//          JSON has a non-empty "content" string. For our server that is the
//          first {"content": ...} event (the session event before it does not
//          count); for an OpenAI stream (direct, Portkey) it is the first
//          chunk with delta.content non-empty (the role chunk does not count).
//   total  time to the end of the response.
// A request is an error when the status is not 200, when the stream does
// not end with data: [DONE], when an event's JSON starts with "error", or
// when the connection fails or the per-request timeout expires.
//
// With --expect=json the answer is one JSON document instead of a stream
// (an OpenAI chat.completion, "stream": false): the request asks for
// application/json, there is no TTFE, and a request is an error when the
// status is not 200, when the Content-Type is not JSON, when the body starts
// with "error" or when it carries no non-empty "content" string (the
// connection and timeout errors as above).
//

#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sstream>
#include <string>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace
{

using Clock = std::chrono::steady_clock;

int64_t nowNs()
{
	return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

struct Options
{
	std::string host = "127.0.0.1";
	int port = 0;
	std::string path = "/v1/chat/completions";
	std::string body;
	std::vector<std::string> headers;
	int concurrency = 1;
	long requests = 0;        // total requests; 0: as many as fit in duration
	double durationS = 0;     // stop starting requests after this; 0: no limit
	int threads = 2;
	double timeoutS = 60;     // per request, connect to end of response
	double rampMs = 0;        // spread the first requests of the slots over this
	bool keepAlive = true;
	bool json = false;        // --expect=json: one JSON answer, not events
	int watchPid = 0;
	std::string label;
};

void usage()
{
	std::cerr <<
		"usage: bench_stream_client --port=N [--host=127.0.0.1] [--path=/v1/chat/completions]\n"
		"         (--body=JSON | --body-file=FILE) [--header='Name: value']...\n"
		"         [--concurrency=N] [--requests=N] [--duration=S] [--threads=N]\n"
		"         [--timeout=S] [--ramp-ms=MS] [--no-keepalive] [--watch-pid=PID] [--label=TEXT]\n"
		"         [--expect=sse|json]\n"
		"Keeps N requests in flight (each slot sends its next request when the\n"
		"previous one ends) until --requests were sent or --duration passed, then\n"
		"prints JSON. --expect=json: the answer is one JSON document (not a stream\n"
		"of server-sent events). The host must be a loopback address.\n";
}

bool startsWith(const std::string& s, const char* prefix)
{
	return s.compare(0, std::strlen(prefix), prefix) == 0;
}

bool readFile(const std::string& path, std::string& out)
{
	std::ifstream in(path, std::ios::binary);
	if (!in) return false;
	std::ostringstream ss;
	ss << in.rdbuf();
	out = ss.str();
	return true;
}

bool parseArgs(int argc, char** argv, Options& o)
{
	for (int i = 1; i < argc; ++i)
	{
		std::string a = argv[i];
		auto val = [&](const char* name, std::string& v) {
			std::string p = std::string("--") + name + "=";
			if (startsWith(a, p.c_str())) { v = a.substr(p.size()); return true; }
			return false;
		};
		std::string v;
		if (val("host", v)) o.host = v;
		else if (val("port", v)) o.port = std::atoi(v.c_str());
		else if (val("path", v)) o.path = v;
		else if (val("body", v)) o.body = v;
		else if (val("body-file", v)) { if (!readFile(v, o.body)) { std::cerr << "cannot read " << v << "\n"; return false; } }
		else if (val("header", v)) o.headers.push_back(v);
		else if (val("concurrency", v)) o.concurrency = std::atoi(v.c_str());
		else if (val("requests", v)) o.requests = std::atol(v.c_str());
		else if (val("duration", v)) o.durationS = std::atof(v.c_str());
		else if (val("threads", v)) o.threads = std::atoi(v.c_str());
		else if (val("timeout", v)) o.timeoutS = std::atof(v.c_str());
		else if (val("ramp-ms", v)) o.rampMs = std::atof(v.c_str());
		else if (val("watch-pid", v)) o.watchPid = std::atoi(v.c_str());
		else if (val("label", v)) o.label = v;
		else if (val("expect", v))
		{
			if (v == "json") o.json = true;
			else if (v == "sse") o.json = false;
			else { std::cerr << "--expect must be sse or json\n"; return false; }
		}
		else if (a == "--no-keepalive") o.keepAlive = false;
		else if (a == "--help" || a == "-h") { usage(); std::exit(0); }
		else { std::cerr << "unknown argument: " << a << "\n"; return false; }
	}
	if (o.port <= 0 || o.port > 65535 || o.body.empty() || o.concurrency < 1 || o.threads < 1 || o.timeoutS <= 0)
		return false;
	// A run must end: either a request count or a duration bounds it.
	if (o.requests <= 0 && o.durationS <= 0)
		o.requests = o.concurrency;
	o.threads = std::min(o.threads, o.concurrency);
	return true;
}

// ---------------------------------------------------------------- results

struct Sample
{
	int64_t ttfeNs = -1;   // -1: no content event
	int64_t totalNs = 0;
	int64_t doneNs = -1;   // to the data: [DONE] event
	bool ok = false;
};

struct Shared
{
	const Options* opt = nullptr;
	sockaddr_in addr{};
	std::string request;           // the bytes of one request
	std::atomic<long> issued{0};
	int64_t tBegin = 0;
	int64_t tStopStarting = 0;     // INT64_MAX when only the count bounds the run
	std::atomic<int> open{0};      // responses with headers received, not ended
	std::atomic<int> peakOpen{0};
	std::atomic<int> inFlight{0};  // requests started, not ended
	std::atomic<int> peakInFlight{0};
	std::mutex mutex;              // guards what follows
	std::vector<Sample> samples;
	std::map<std::string, long> errors;
	long reconnects = 0;
	long events = 0;
	long bytes = 0;
};

void raiseMax(std::atomic<int>& peak, int value)
{
	int seen = peak.load();
	while (value > seen && !peak.compare_exchange_weak(seen, value)) {}
}

// -------------------------------------------------------------- connection

struct Conn
{
	enum Phase { IDLE, CONNECTING, SENDING, HEADERS, BODY };
	enum ChunkState { CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, CHUNK_TRAILER };

	int fd = -1;
	Phase phase = IDLE;
	int64_t startAt = 0;         // slot may start its first request then (ramp)
	bool reused = false;         // this request runs on a kept-alive connection
	size_t outOff = 0;
	std::string head;            // response header bytes until the blank line
	int status = 0;
	bool chunked = false;
	long long bodyLeft = -1;     // Content-Length left; -1: chunked or until close
	bool closeAfter = false;
	bool jsonType = false;       // Content-Type names JSON (not an event stream)
	ChunkState cs = CHUNK_SIZE;
	long long chunkLeft = 0;
	std::string line;            // chunk-size or trailer line being read
	std::string sse;             // decoded body not yet split into events
	bool sawDone = false, sawError = false;
	bool opened = false;         // counted in Shared::open
	long events = 0;
	long bytesIn = 0;
	int64_t tStart = 0, tSent = 0, tFirst = -1, tDone = -1;

	void resetResponse()
	{
		outOff = 0; head.clear(); status = 0; chunked = false; bodyLeft = -1;
		closeAfter = false; jsonType = false; cs = CHUNK_SIZE; chunkLeft = 0; line.clear(); sse.clear();
		sawDone = sawError = false; events = 0; bytesIn = 0;
		tStart = tSent = 0; tFirst = tDone = -1;
	}
};

// True when the JSON text has "content" followed by a non-empty string: the
// marker of an event that carries model text, in both our server's events
// and OpenAI chunks (whose first chunk has "content":"" and does not count).
bool hasText(const std::string& data)
{
	size_t pos = 0;
	for (int guard = 0; guard < 64; ++guard)
	{
		pos = data.find("\"content\"", pos);
		if (pos == std::string::npos) return false;
		size_t i = pos + 9;
		while (i < data.size() && (data[i] == ' ' || data[i] == ':')) ++i;
		if (i + 1 < data.size() && data[i] == '"' && data[i + 1] != '"') return true;
		pos = i;
	}
	return false;
}

bool isErrorEvent(const std::string& data)
{
	size_t i = 0;
	while (i < data.size() && data[i] == ' ') ++i;
	if (i >= data.size() || data[i] != '{') return false;
	++i;
	while (i < data.size() && data[i] == ' ') ++i;
	return data.compare(i, 7, "\"error\"") == 0;
}

class Worker
{
public:
	Worker(Shared& shared, int slots, int firstSlot): _s(shared)
	{
		_conns.resize(static_cast<size_t>(slots));
		const Options& o = *_s.opt;
		for (int i = 0; i < slots; ++i)
		{
			// Slot k of C starts at ramp * k / C, so the connects of a large
			// run do not all hit the listen backlog in the same millisecond.
			double k = firstSlot + i;
			_conns[static_cast<size_t>(i)].startAt =
				_s.tBegin + static_cast<int64_t>(o.rampMs * 1e6 * k / o.concurrency);
		}
	}

	void run()
	{
		_ep = epoll_create1(EPOLL_CLOEXEC);
		if (_ep < 0) { std::perror("epoll_create1"); return; }
		std::vector<epoll_event> evs(512);
		const int64_t timeoutNs = static_cast<int64_t>(_s.opt->timeoutS * 1e9);
		int64_t lastSweep = nowNs();
		size_t nextNew = 0;  // slots not started yet, in the order of startAt
		std::vector<uint32_t> restart;
		// Bounded: every iteration either starts, advances or ends a request,
		// each request ends by its timeout, and no request starts after the
		// count or the duration is used up.
		for (;;)
		{
			int64_t now = nowNs();
			// Slots whose request ended start the next one at once; those
			// that fail right away are retried in the next iteration only.
			restart.swap(_ready);
			for (uint32_t idx: restart)
			{
				Conn& c = _conns[idx];
				if (mayStart(now)) begin(c, now);
				else closeConn(c);
			}
			restart.clear();
			while (nextNew < _conns.size() && _conns[nextNew].startAt <= now)
			{
				if (!mayStart(now)) { nextNew = _conns.size(); break; }
				begin(_conns[nextNew++], now);
			}
			bool waiting = nextNew < _conns.size() && mayStartLater(now);
			if (_active == 0 && _ready.empty() && !waiting) break;
			int waitMs = 20;
			if (!_ready.empty()) waitMs = 0;
			else if (waiting)
				waitMs = static_cast<int>(std::clamp<int64_t>((_conns[nextNew].startAt - now) / 1000000, 0, 20));
			int n = epoll_wait(_ep, evs.data(), static_cast<int>(evs.size()), waitMs);
			now = nowNs();
			for (int i = 0; i < n; ++i)
			{
				Conn& c = _conns[evs[static_cast<size_t>(i)].data.u32];
				handle(c, evs[static_cast<size_t>(i)].events, now);
			}
			if (now - lastSweep > 100000000)
			{
				lastSweep = now;
				for (auto& c: _conns)
					if (c.phase != Conn::IDLE && now - c.tStart > timeoutNs)
						finish(c, "timeout", now, true);
			}
		}
		for (auto& c: _conns) closeConn(c);
		close(_ep);
		std::lock_guard<std::mutex> lock(_s.mutex);
		_s.samples.insert(_s.samples.end(), _samples.begin(), _samples.end());
		for (auto& e: _errors) _s.errors[e.first] += e.second;
		_s.reconnects += _reconnects;
		_s.events += _events;
		_s.bytes += _bytes;
	}

private:
	bool mayStartLater(int64_t now) const
	{
		if (now >= _s.tStopStarting) return false;
		return _s.opt->requests <= 0 || _s.issued.load() < _s.opt->requests;
	}

	bool mayStart(int64_t now)
	{
		if (now >= _s.tStopStarting) return false;
		if (_s.opt->requests <= 0) return true;
		return _s.issued.fetch_add(1) < _s.opt->requests;
	}

	void begin(Conn& c, int64_t now)
	{
		int idx = static_cast<int>(&c - _conns.data());
		c.resetResponse();
		c.tStart = now;
		++_active;
		raiseMax(_s.peakInFlight, _s.inFlight.fetch_add(1) + 1);
		if (c.fd >= 0)
		{
			c.reused = true;
			c.phase = Conn::SENDING;
			modify(c, EPOLLOUT | EPOLLIN);
			return;
		}
		c.reused = false;
		c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (c.fd < 0) { finish(c, std::string("socket_") + std::strerror(errno), now, true); return; }
		// Events are small writes; Nagle would hold the request's tail back.
		int one = 1;
		setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		int rc = connect(c.fd, reinterpret_cast<const sockaddr*>(&_s.addr), sizeof _s.addr);
		if (rc < 0 && errno != EINPROGRESS) { finish(c, std::string("connect_") + std::strerror(errno), now, true); return; }
		c.phase = Conn::CONNECTING;
		epoll_event ev{};
		ev.events = EPOLLOUT | EPOLLIN;
		ev.data.u32 = static_cast<uint32_t>(idx);
		if (epoll_ctl(_ep, EPOLL_CTL_ADD, c.fd, &ev) < 0) finish(c, "epoll", now, true);
	}

	void modify(Conn& c, uint32_t events)
	{
		epoll_event ev{};
		ev.events = events;
		ev.data.u32 = static_cast<uint32_t>(&c - _conns.data());
		epoll_ctl(_ep, EPOLL_CTL_MOD, c.fd, &ev);
	}

	void closeConn(Conn& c)
	{
		if (c.fd >= 0) { close(c.fd); c.fd = -1; }
	}

	// Ends the current request of a slot: records it, and closes the
	// connection unless it can carry the next request.
	void finish(Conn& c, const std::string& error, int64_t now, bool mustClose)
	{
		if (c.phase == Conn::IDLE) return;
		Sample s;
		s.totalNs = now - (c.tSent ? c.tSent : c.tStart);
		s.ttfeNs = c.tFirst >= 0 ? c.tFirst - c.tSent : -1;
		s.doneNs = c.tDone >= 0 ? c.tDone - c.tSent : -1;
		std::string err = error;
		if (err.empty())
		{
			if (c.status != 200) err = "status_" + std::to_string(c.status);
			else if (_s.opt->json)
			{
				if (!c.jsonType) err = "not_json";
				else if (isErrorEvent(c.sse)) err = "error_body";
				else if (!hasText(c.sse)) err = "no_content";
			}
			else if (c.sawError) err = "error_event";
			else if (!c.sawDone) err = "no_done";
		}
		s.ok = err.empty();
		if (!s.ok) ++_errors[err];
		_samples.push_back(s);
		_events += c.events;
		_bytes += c.bytesIn;
		end(c);
		if (mustClose || c.closeAfter || !_s.opt->keepAlive) closeConn(c);
		else modify(c, EPOLLIN);  // notice the server closing an idle connection
		_ready.push_back(static_cast<uint32_t>(&c - _conns.data()));
	}

	// Takes a request out of the counts without recording it.
	void end(Conn& c)
	{
		if (c.opened) _s.open.fetch_sub(1);
		c.opened = false;
		_s.inFlight.fetch_sub(1);
		--_active;
		c.phase = Conn::IDLE;
	}

	void handle(Conn& c, uint32_t events, int64_t now)
	{
		if (c.phase == Conn::IDLE)
		{
			// An idle kept-alive connection became readable: the server closed
			// it (or sent garbage); either way it cannot carry a request.
			closeConn(c);
			return;
		}
		if (c.phase == Conn::CONNECTING)
		{
			int err = 0;
			socklen_t len = sizeof err;
			getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
			if (err != 0) { finish(c, std::string("connect_") + std::strerror(err), now, true); return; }
			if (!(events & EPOLLOUT)) return;
			c.phase = Conn::SENDING;
		}
		if (c.phase == Conn::SENDING)
		{
			const std::string& r = _s.request;
			// The clock starts before the first byte goes: on loopback the
			// answer can arrive (the server preempting us) before send returns.
			if (c.outOff == 0) c.tSent = nowNs();
			while (c.outOff < r.size())
			{
				ssize_t n = send(c.fd, r.data() + c.outOff, r.size() - c.outOff, MSG_NOSIGNAL);
				if (n > 0) { c.outOff += static_cast<size_t>(n); continue; }
				if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
				retryOrFail(c, std::string("send_") + std::strerror(errno), now);
				return;
			}
			c.phase = Conn::HEADERS;
			modify(c, EPOLLIN);
			return;
		}
		if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) readSome(c, now);
	}

	// A kept-alive connection the server closed just as we reused it is no
	// error of the server: the request goes again on a new connection.
	void retryOrFail(Conn& c, const std::string& error, int64_t now)
	{
		if (c.reused && c.head.empty() && c.status == 0)
		{
			++_reconnects;
			closeConn(c);
			end(c);
			begin(c, now);
			return;
		}
		finish(c, error, now, true);
	}

	void readSome(Conn& c, int64_t now)
	{
		static thread_local char buf[65536];
		// Bounded per wake-up so one fast stream cannot starve the others.
		for (int round = 0; round < 16 && c.phase != Conn::IDLE; ++round)
		{
			ssize_t n = recv(c.fd, buf, sizeof buf, 0);
			if (n > 0)
			{
				c.bytesIn += n;
				feed(c, buf, static_cast<size_t>(n), nowNs());
				continue;
			}
			if (n == 0)
			{
				if (c.phase == Conn::BODY && c.bodyLeft < 0 && !c.chunked)
					finish(c, "", now, true);  // body delimited by the close
				else
					retryOrFail(c, "closed_early", now);
				return;
			}
			if (errno == EAGAIN || errno == EWOULDBLOCK) return;
			retryOrFail(c, std::string("recv_") + std::strerror(errno), now);
			return;
		}
	}

	void feed(Conn& c, const char* p, size_t n, int64_t now)
	{
		size_t i = 0;
		if (c.phase == Conn::HEADERS)
		{
			// Headers end at the first blank line; they may span reads.
			size_t before = c.head.size();
			c.head.append(p, n);
			size_t end = c.head.find("\r\n\r\n", before >= 3 ? before - 3 : 0);
			if (end == std::string::npos)
			{
				if (c.head.size() > 65536) finish(c, "bad_headers", now, true);
				return;
			}
			i = end + 4 - before;
			c.head.resize(end + 2);
			if (!parseHead(c)) { finish(c, "bad_headers", now, true); return; }
			c.phase = Conn::BODY;
			c.opened = true;
			raiseMax(_s.peakOpen, _s.open.fetch_add(1) + 1);
			if (c.bodyLeft == 0 && !c.chunked) { finish(c, "", now, false); return; }
		}
		if (!c.chunked)
		{
			size_t take = n - i;
			if (c.bodyLeft >= 0) take = std::min<size_t>(take, static_cast<size_t>(c.bodyLeft));
			body(c, p + i, take, now);
			if (c.bodyLeft >= 0)
			{
				c.bodyLeft -= static_cast<long long>(take);
				if (c.bodyLeft == 0) finish(c, "", now, false);
			}
			return;
		}
		while (i < n && c.phase == Conn::BODY)
		{
			switch (c.cs)
			{
			case Conn::CHUNK_SIZE:
			case Conn::CHUNK_TRAILER:
			{
				const char* nl = static_cast<const char*>(std::memchr(p + i, '\n', n - i));
				size_t upto = nl ? static_cast<size_t>(nl - p) : n;
				c.line.append(p + i, upto - i);
				if (c.line.size() > 4096) { finish(c, "bad_chunk", now, true); return; }
				if (!nl) return;
				i = upto + 1;
				if (!c.line.empty() && c.line.back() == '\r') c.line.pop_back();
				if (c.cs == Conn::CHUNK_TRAILER)
				{
					if (c.line.empty()) { finish(c, "", now, false); return; }
					c.line.clear();
					break;
				}
				char* endp = nullptr;
				c.chunkLeft = std::strtoll(c.line.c_str(), &endp, 16);
				bool bad = endp == c.line.c_str() || c.chunkLeft < 0;
				c.line.clear();
				if (bad) { finish(c, "bad_chunk", now, true); return; }
				c.cs = c.chunkLeft == 0 ? Conn::CHUNK_TRAILER : Conn::CHUNK_DATA;
				break;
			}
			case Conn::CHUNK_DATA:
			{
				size_t take = std::min<size_t>(n - i, static_cast<size_t>(c.chunkLeft));
				body(c, p + i, take, now);
				i += take;
				c.chunkLeft -= static_cast<long long>(take);
				if (c.chunkLeft == 0) c.cs = Conn::CHUNK_DATA_END;
				break;
			}
			case Conn::CHUNK_DATA_END:
				// The CRLF after a chunk's data.
				if (p[i] == '\n') c.cs = Conn::CHUNK_SIZE;
				++i;
				break;
			}
		}
	}

	bool parseHead(Conn& c)
	{
		// "HTTP/1.1 200 OK"
		if (c.head.size() < 12 || !startsWith(c.head, "HTTP/1.")) return false;
		c.status = std::atoi(c.head.c_str() + 9);
		bool http10 = c.head[7] == '0';
		c.closeAfter = http10;
		size_t pos = c.head.find("\r\n");
		for (int guard = 0; guard < 256 && pos != std::string::npos && pos + 2 < c.head.size(); ++guard)
		{
			size_t end = c.head.find("\r\n", pos + 2);
			if (end == std::string::npos) break;
			std::string h = c.head.substr(pos + 2, end - pos - 2);
			pos = end;
			size_t colon = h.find(':');
			if (colon == std::string::npos) continue;
			std::string name = h.substr(0, colon);
			std::string value = h.substr(colon + 1);
			for (auto& ch: name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
			for (auto& ch: value) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
			while (!value.empty() && value.front() == ' ') value.erase(0, 1);
			if (name == "transfer-encoding" && value.find("chunked") != std::string::npos) c.chunked = true;
			else if (name == "content-length") c.bodyLeft = std::atoll(value.c_str());
			else if (name == "content-type") c.jsonType = value.find("json") != std::string::npos;
			else if (name == "connection" && value.find("close") != std::string::npos) c.closeAfter = true;
			else if (name == "connection" && value.find("keep-alive") != std::string::npos) c.closeAfter = false;
		}
		if (c.chunked) c.bodyLeft = -1;
		// Neither length nor chunks: the body ends with the connection.
		if (!c.chunked && c.bodyLeft < 0) c.closeAfter = true;
		return true;
	}

	// Splits the decoded body into events (a blank line ends one) and
	// classifies their data lines.
	void body(Conn& c, const char* p, size_t n, int64_t now)
	{
		if (n == 0) return;
		if (_s.opt->json)
		{
			// One document, examined when the response ends (finish); kept
			// bounded like a stream's unfinished line.
			if (c.sse.size() + n <= (1u << 24)) c.sse.append(p, n);
			return;
		}
		c.sse.append(p, n);
		size_t start = 0;
		for (;;)
		{
			size_t nl = c.sse.find('\n', start);
			if (nl == std::string::npos) break;
			size_t lineEnd = nl;
			if (lineEnd > start && c.sse[lineEnd - 1] == '\r') --lineEnd;
			if (c.sse.compare(start, 5, "data:") == 0 && lineEnd >= start + 5)
			{
				size_t d = start + 5;
				if (d < lineEnd && c.sse[d] == ' ') ++d;
				std::string data = c.sse.substr(d, lineEnd - d);
				++c.events;
				if (data == "[DONE]") { c.sawDone = true; c.tDone = now; }
				else if (isErrorEvent(data)) c.sawError = true;
				else if (c.tFirst < 0 && hasText(data)) c.tFirst = now;
			}
			start = nl + 1;
		}
		c.sse.erase(0, start);
		if (c.sse.size() > (1u << 24)) c.sse.clear();  // a line without end: keep memory bounded
	}

	Shared& _s;
	std::vector<Conn> _conns;
	int _ep = -1;
	std::vector<Sample> _samples;
	std::map<std::string, long> _errors;
	long _reconnects = 0;
	long _events = 0;
	long _bytes = 0;
	int _active = 0;               // requests started, not ended
	std::vector<uint32_t> _ready;  // slots whose request ended
};

// ------------------------------------------------------- watched process

struct ProcUse
{
	long rssKb = -1;
	long threads = -1;
	long long cpuTicks = -1;
};

ProcUse readProc(int pid)
{
	ProcUse u;
	std::ifstream status("/proc/" + std::to_string(pid) + "/status");
	std::string line;
	for (int guard = 0; guard < 200 && std::getline(status, line); ++guard)
	{
		if (startsWith(line, "VmRSS:")) u.rssKb = std::atol(line.c_str() + 6);
		else if (startsWith(line, "Threads:")) u.threads = std::atol(line.c_str() + 8);
	}
	std::string stat;
	if (readFile("/proc/" + std::to_string(pid) + "/stat", stat))
	{
		// The command name may hold spaces and parentheses: fields are
		// counted after the last ')'; utime and stime are fields 14 and 15.
		size_t close = stat.rfind(')');
		if (close != std::string::npos)
		{
			std::istringstream in(stat.substr(close + 2));
			std::string f;
			long long utime = 0, stime = 0;
			for (int field = 3; field <= 15 && (in >> f); ++field)
			{
				if (field == 14) utime = std::atoll(f.c_str());
				if (field == 15) stime = std::atoll(f.c_str());
			}
			u.cpuTicks = utime + stime;
		}
	}
	return u;
}

struct Watch
{
	ProcUse before, after;
	long peakRssKb = -1;
	long peakThreads = -1;
	std::atomic<bool> stop{false};

	void run(int pid)
	{
		// Sampled every 20 ms: a 4-second stream is seen about 200 times.
		while (!stop.load())
		{
			ProcUse u = readProc(pid);
			peakRssKb = std::max(peakRssKb, u.rssKb);
			peakThreads = std::max(peakThreads, u.threads);
			std::this_thread::sleep_for(std::chrono::milliseconds(20));
		}
	}
};

// ---------------------------------------------------------------- report

double percentileMs(std::vector<int64_t>& v, double p)
{
	if (v.empty()) return -1;
	std::sort(v.begin(), v.end());
	size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size())));
	if (rank < 1) rank = 1;
	return static_cast<double>(v[rank - 1]) / 1e6;
}

std::string jsonEscape(const std::string& s)
{
	std::string out;
	for (char ch: s)
	{
		if (ch == '"' || ch == '\\') { out += '\\'; out += ch; }
		else if (static_cast<unsigned char>(ch) < 0x20) out += ' ';
		else out += ch;
	}
	return out;
}

std::string num(double v)
{
	if (v < 0) return "null";
	char buf[64];
	std::snprintf(buf, sizeof buf, "%.3f", v);
	return buf;
}

} // namespace


int main(int argc, char** argv)
{
	Options o;
	if (!parseArgs(argc, argv, o)) { usage(); return 2; }
	signal(SIGPIPE, SIG_IGN);

	Shared s;
	s.opt = &o;
	s.addr.sin_family = AF_INET;
	s.addr.sin_port = htons(static_cast<uint16_t>(o.port));
	if (o.host == "localhost") o.host = "127.0.0.1";
	// Loopback only: the benchmark must never load anything but this machine.
	if (inet_pton(AF_INET, o.host.c_str(), &s.addr.sin_addr) != 1 ||
		(ntohl(s.addr.sin_addr.s_addr) >> 24) != 127)
	{
		std::cerr << "--host must be an IPv4 loopback address\n";
		return 2;
	}

	std::string req = "POST " + o.path + " HTTP/1.1\r\nHost: " + o.host + ":" + std::to_string(o.port) +
		"\r\nContent-Type: application/json\r\nAccept: " + (o.json ? "application/json" : "text/event-stream") +
		"\r\nContent-Length: " +
		std::to_string(o.body.size()) + "\r\n";
	if (!o.keepAlive) req += "Connection: close\r\n";
	for (const auto& h: o.headers) req += h + "\r\n";
	req += "\r\n" + o.body;
	s.request = req;

	// Each stream is one socket; say so up front instead of failing midway.
	rlimit nofile{};
	getrlimit(RLIMIT_NOFILE, &nofile);
	if (static_cast<rlim_t>(o.concurrency) + 64 > nofile.rlim_cur)
		std::cerr << "warning: --concurrency=" << o.concurrency << " needs more descriptors than ulimit -n ("
		          << nofile.rlim_cur << ")\n";

	Watch watch;
	std::thread watcher;
	if (o.watchPid > 0)
	{
		watch.before = readProc(o.watchPid);
		watcher = std::thread([&] { watch.run(o.watchPid); });
	}

	s.tBegin = nowNs();
	s.tStopStarting = o.durationS > 0 ? s.tBegin + static_cast<int64_t>(o.durationS * 1e9) : INT64_MAX;
	std::vector<std::unique_ptr<Worker>> workers;
	int first = 0;
	for (int t = 0; t < o.threads; ++t)
	{
		int slots = o.concurrency / o.threads + (t < o.concurrency % o.threads ? 1 : 0);
		workers.emplace_back(new Worker(s, slots, first));
		first += slots;
	}
	std::vector<std::thread> threads;
	for (auto& w: workers) threads.emplace_back([&w] { w->run(); });
	for (auto& t: threads) t.join();
	int64_t tEnd = nowNs();

	if (o.watchPid > 0)
	{
		watch.stop = true;
		watcher.join();
		watch.after = readProc(o.watchPid);
	}

	std::vector<int64_t> ttfe, total, done;
	long ok = 0, errors = 0;
	for (const auto& x: s.samples)
	{
		if (x.ok)
		{
			++ok;
			total.push_back(x.totalNs);
			if (x.ttfeNs >= 0) ttfe.push_back(x.ttfeNs);
			if (x.doneNs >= 0) done.push_back(x.doneNs);
		}
		else ++errors;
	}
	double seconds = static_cast<double>(tEnd - s.tBegin) / 1e9;
	long n = static_cast<long>(s.samples.size());

	std::ostringstream out;
	out << "{\"label\": \"" << jsonEscape(o.label) << "\", \"expect\": \"" << (o.json ? "json" : "sse")
	    << "\", \"concurrency\": " << o.concurrency
	    << ", \"requests\": " << n << ", \"ok\": " << ok << ", \"errors\": " << errors
	    << ", \"error_kinds\": {";
	bool firstKind = true;
	for (const auto& e: s.errors)
	{
		out << (firstKind ? "" : ", ") << "\"" << jsonEscape(e.first) << "\": " << e.second;
		firstKind = false;
	}
	out << "}, \"reconnects\": " << s.reconnects
	    << ", \"seconds\": " << num(seconds)
	    << ", \"req_per_s\": " << num(seconds > 0 ? static_cast<double>(ok) / seconds : 0)
	    << ", \"ttfe_ms\": {\"p50\": " << num(percentileMs(ttfe, 0.50)) << ", \"p99\": " << num(percentileMs(ttfe, 0.99)) << "}"
	    << ", \"total_ms\": {\"p50\": " << num(percentileMs(total, 0.50)) << ", \"p99\": " << num(percentileMs(total, 0.99)) << "}"
	    << ", \"done_ms\": {\"p50\": " << num(percentileMs(done, 0.50)) << ", \"p99\": " << num(percentileMs(done, 0.99)) << "}"
	    << ", \"events_per_request\": " << num(n > 0 ? static_cast<double>(s.events) / static_cast<double>(n) : 0)
	    << ", \"bytes_per_request\": " << num(n > 0 ? static_cast<double>(s.bytes) / static_cast<double>(n) : 0)
	    << ", \"peak_open_streams\": " << s.peakOpen.load()
	    << ", \"peak_in_flight\": " << s.peakInFlight.load()
	    << ", \"nofile_limit\": " << static_cast<long long>(nofile.rlim_cur);
	if (o.watchPid > 0)
	{
		long tck = sysconf(_SC_CLK_TCK);
		double cpuMs = (watch.after.cpuTicks >= 0 && watch.before.cpuTicks >= 0 && tck > 0)
			? static_cast<double>(watch.after.cpuTicks - watch.before.cpuTicks) * 1000.0 / static_cast<double>(tck) : -1;
		long peakOpen = s.peakOpen.load();
		double kbPerStream = (peakOpen > 0 && watch.peakRssKb > 0 && watch.before.rssKb > 0)
			? static_cast<double>(watch.peakRssKb - watch.before.rssKb) / static_cast<double>(peakOpen) : -1;
		out << ", \"watch\": {\"pid\": " << o.watchPid
		    << ", \"rss_kb_before\": " << watch.before.rssKb
		    << ", \"rss_kb_peak\": " << watch.peakRssKb
		    << ", \"threads_before\": " << watch.before.threads
		    << ", \"threads_peak\": " << watch.peakThreads
		    << ", \"kb_per_stream\": " << num(kbPerStream)
		    << ", \"cpu_ms\": " << num(cpuMs)
		    << ", \"cpu_ms_per_request\": " << num(cpuMs >= 0 && n > 0 ? cpuMs / static_cast<double>(n) : -1)
		    << "}";
	}
	out << "}";
	std::cout << out.str() << std::endl;
	return 0;
}
