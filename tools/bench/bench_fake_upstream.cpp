//
// bench_fake_upstream.cpp
//
// The benchmark's own fast fake OpenAI upstream: POST /v1/chat/completions
// with model bench-<N>x<D> streams N content chunks D ms apart, byte for byte
// the chunks of tests/fake_upstream (role chunk, "tok", " tok"..., the stop
// chunk, data: [DONE]); without "stream": true it answers one
// chat.completion. GET /health answers {"status":"ok"}.
//
// Why a second fake: tests/fake_upstream serves a thread per stream and
// waits between chunks with a poll loop whose sub-millisecond remainder
// becomes a zero timeout, i.e. it spins for up to a millisecond per pause.
// With 2 ms pauses that is half a core for one stream, and 10000 streams of
// 100 ms pauses need more CPU than the machine has: the fake, not the gateway,
// was measured. Here a few threads run non-blocking sockets under epoll with
// a timer heap and nanosecond timeouts (epoll_pwait2), so pauses cost nothing.
//
// Loopback only: it binds 127.0.0.1.
//

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <queue>
#include <string>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace
{

volatile std::sig_atomic_t stopping = 0;

void onSignal(int)
{
	stopping = 1;
}

int64_t nowNs()
{
	return std::chrono::duration_cast<std::chrono::nanoseconds>(
		std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct Conn
{
	int fd = -1;
	uint32_t generation = 0;     // invalidates timers of a closed connection
	std::string in;              // request bytes not yet handled
	std::string out;             // response bytes not yet sent
	bool streaming = false;
	int chunksLeft = 0;
	int delayMs = 0;
	int sent = 0;
	std::string id, model;
	long long created = 0;
	bool wantWrite = false;
};

struct Timer
{
	int64_t due;
	uint32_t idx;
	uint32_t generation;
	bool operator>(const Timer& o) const { return due > o.due; }
};

void appendJsonString(std::string& out, const std::string& s)
{
	out += '"';
	for (char c: s)
	{
		if (c == '"' || c == '\\') { out += '\\'; out += c; }
		else if (static_cast<unsigned char>(c) < 0x20) { char b[8]; std::snprintf(b, sizeof b, "\\u%04x", c); out += b; }
		else out += c;
	}
	out += '"';
}

// The value of "key": "..." in a flat search of the body; enough for the
// requests the benchmark sends (the model name has no escapes).
std::string stringField(const std::string& body, const char* key)
{
	std::string k = std::string("\"") + key + "\"";
	size_t p = body.find(k);
	if (p == std::string::npos) return "";
	p = body.find(':', p + k.size());
	if (p == std::string::npos) return "";
	p = body.find('"', p);
	if (p == std::string::npos) return "";
	size_t e = body.find('"', p + 1);
	if (e == std::string::npos) return "";
	return body.substr(p + 1, e - p - 1);
}

bool streamRequested(const std::string& body)
{
	size_t p = body.find("\"stream\"");
	if (p == std::string::npos) return false;
	p = body.find(':', p);
	if (p == std::string::npos) return false;
	++p;
	while (p < body.size() && body[p] == ' ') ++p;
	return body.compare(p, 4, "true") == 0;
}

void appendChunk(std::string& out, const std::string& data)
{
	char size[32];
	std::snprintf(size, sizeof size, "%zx\r\n", data.size());
	out += size;
	out += data;
	out += "\r\n";
}

class Worker
{
public:
	Worker(int listenFd): _listen(listenFd) {}

	void run()
	{
		// Timers fire on time: the default 50 us of slack per pause would add
		// 2.5 ms to a stream of 50 chunks 2 ms apart.
		prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL);
		_ep = epoll_create1(EPOLL_CLOEXEC);
		epoll_event ev{};
		ev.events = EPOLLIN;
		ev.data.u32 = UINT32_MAX;
		epoll_ctl(_ep, EPOLL_CTL_ADD, _listen, &ev);
		std::vector<epoll_event> evs(1024);
		while (!stopping)
		{
			int64_t now = nowNs();
			// At most 200 ms, so a stop request is seen.
			int64_t wait = 200000000;
			if (!_timers.empty()) wait = std::clamp<int64_t>(_timers.top().due - now, 0, wait);
			timespec ts{static_cast<time_t>(wait / 1000000000), static_cast<long>(wait % 1000000000)};
			int n = epoll_pwait2(_ep, evs.data(), static_cast<int>(evs.size()), &ts, nullptr);
			for (int i = 0; i < n; ++i)
			{
				uint32_t idx = evs[static_cast<size_t>(i)].data.u32;
				if (idx == UINT32_MAX) { acceptAll(); continue; }
				if (idx >= _conns.size() || _conns[idx].fd < 0) continue;
				uint32_t e = evs[static_cast<size_t>(i)].events;
				if (e & EPOLLOUT) flush(idx);
				if (_conns[idx].fd >= 0 && (e & (EPOLLIN | EPOLLHUP | EPOLLERR))) readSome(idx);
			}
			now = nowNs();
			// Bounded by the number of timers due now.
			while (!_timers.empty() && _timers.top().due <= now)
			{
				Timer t = _timers.top();
				_timers.pop();
				if (t.idx < _conns.size() && _conns[t.idx].fd >= 0 && _conns[t.idx].generation == t.generation)
					nextChunk(t.idx, now);
			}
		}
		for (auto& c: _conns) if (c.fd >= 0) close(c.fd);
		close(_ep);
	}

private:
	void acceptAll()
	{
		for (int guard = 0; guard < 1024; ++guard)
		{
			int fd = accept4(_listen, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
			if (fd < 0) return;
			// Each chunk must leave at once, as from a real streaming API.
			int one = 1;
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
			uint32_t idx;
			if (!_free.empty()) { idx = _free.back(); _free.pop_back(); }
			else { idx = static_cast<uint32_t>(_conns.size()); _conns.emplace_back(); }
			Conn& c = _conns[idx];
			c.fd = fd;
			++c.generation;
			c.in.clear(); c.out.clear(); c.streaming = false; c.wantWrite = false;
			epoll_event ev{};
			ev.events = EPOLLIN | EPOLLRDHUP;
			ev.data.u32 = idx;
			epoll_ctl(_ep, EPOLL_CTL_ADD, fd, &ev);
		}
	}

	void closeConn(uint32_t idx)
	{
		Conn& c = _conns[idx];
		if (c.fd < 0) return;
		close(c.fd);
		c.fd = -1;
		++c.generation;
		std::string().swap(c.in);
		std::string().swap(c.out);
		_free.push_back(idx);
	}

	void readSome(uint32_t idx)
	{
		static thread_local char buf[16384];
		for (int round = 0; round < 64; ++round)
		{
			Conn& c = _conns[idx];
			ssize_t n = recv(c.fd, buf, sizeof buf, 0);
			if (n > 0) { c.in.append(buf, static_cast<size_t>(n)); if (c.in.size() > (1u << 22)) { closeConn(idx); return; } continue; }
			if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) { closeConn(idx); return; }
			break;
		}
		handleRequests(idx);
	}

	// Handles the complete requests in the buffer, one at a time: the next
	// one waits until the current stream ended (HTTP/1.1 has no overlap).
	void handleRequests(uint32_t idx)
	{
		for (int guard = 0; guard < 64; ++guard)
		{
			Conn& c = _conns[idx];
			if (c.fd < 0 || c.streaming) return;
			size_t headEnd = c.in.find("\r\n\r\n");
			if (headEnd == std::string::npos) return;
			std::string head = c.in.substr(0, headEnd);
			size_t length = 0;
			std::string lower = head;
			for (auto& ch: lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
			size_t cl = lower.find("\r\ncontent-length:");
			if (cl != std::string::npos) length = std::strtoul(lower.c_str() + cl + 17, nullptr, 10);
			if (c.in.size() < headEnd + 4 + length) return;
			std::string body = c.in.substr(headEnd + 4, length);
			c.in.erase(0, headEnd + 4 + length);
			if (head.compare(0, 11, "GET /health") == 0)
				respond(idx, "200 OK", "{\"status\":\"ok\"}");
			else if (head.compare(0, 25, "POST /v1/chat/completions") == 0)
				chat(idx, body);
			else
				respond(idx, "404 Not Found", "{\"error\":{\"message\":\"not found\",\"type\":\"invalid_request_error\"}}");
		}
	}

	void respond(uint32_t idx, const char* status, const std::string& json)
	{
		Conn& c = _conns[idx];
		c.out += std::string("HTTP/1.1 ") + status + "\r\nContent-Type: application/json\r\nContent-Length: " +
			std::to_string(json.size()) + "\r\n\r\n" + json;
		flush(idx);
	}

	void chunkStart(const Conn& c, std::string& out)
	{
		out += "data: {\"id\":";
		appendJsonString(out, c.id);
		out += ",\"object\":\"chat.completion.chunk\",\"created\":";
		out += std::to_string(c.created);
		out += ",\"model\":";
		appendJsonString(out, c.model);
		out += ",\"system_fingerprint\":\"fp_fake\",";
	}

	void chat(uint32_t idx, const std::string& body)
	{
		Conn& c = _conns[idx];
		c.model = stringField(body, "model");
		int chunks = 0, delay = 0;
		if (std::sscanf(c.model.c_str(), "bench-%dx%d", &chunks, &delay) != 2 || chunks < 1 || chunks > 100000 ||
			delay < 0 || delay > 60000)
		{
			respond(idx, "404 Not Found", "{\"error\":{\"message\":\"only bench-<N>x<D> models\",\"type\":\"invalid_request_error\",\"code\":\"model_not_found\"}}");
			return;
		}
		c.id = "chatcmpl-fake" + std::to_string(++_counter);
		c.created = static_cast<long long>(std::time(nullptr));
		if (!streamRequested(body))
		{
			std::string text = "tok";
			for (int i = 1; i < chunks; ++i) text += " tok";
			std::string json = "{\"id\":";
			appendJsonString(json, c.id);
			json += ",\"object\":\"chat.completion\",\"created\":" + std::to_string(c.created) + ",\"model\":";
			appendJsonString(json, c.model);
			json += ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":";
			appendJsonString(json, text);
			json += "},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":" +
				std::to_string(chunks) + ",\"total_tokens\":" + std::to_string(chunks + 1) + "},\"system_fingerprint\":\"fp_fake\"}";
			respond(idx, "200 OK", json);
			return;
		}
		c.streaming = true;
		c.chunksLeft = chunks;
		c.delayMs = delay;
		c.sent = 0;
		c.out += "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
			"Transfer-Encoding: chunked\r\n\r\n";
		std::string event;
		chunkStart(c, event);
		event += "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n";
		appendChunk(c.out, event);
		nextChunk(idx, nowNs());
	}

	// Writes the due content chunk (all of them when there is no delay) and
	// schedules the next one.
	void nextChunk(uint32_t idx, int64_t now)
	{
		for (int guard = 0; guard < 100000; ++guard)
		{
			Conn& c = _conns[idx];
			std::string event;
			chunkStart(c, event);
			event += "\"choices\":[{\"index\":0,\"delta\":{\"content\":";
			event += c.sent == 0 ? "\"tok\"" : "\" tok\"";
			event += "},\"logprobs\":null,\"finish_reason\":null}]}\n\n";
			appendChunk(c.out, event);
			++c.sent;
			if (--c.chunksLeft == 0)
			{
				std::string end;
				chunkStart(c, end);
				end += "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}\n\n";
				appendChunk(c.out, end);
				appendChunk(c.out, "data: [DONE]\n\n");
				c.out += "0\r\n\r\n";
				c.streaming = false;
				flush(idx);
				if (_conns[idx].fd >= 0) handleRequests(idx);
				return;
			}
			if (c.delayMs > 0)
			{
				_timers.push(Timer{now + static_cast<int64_t>(c.delayMs) * 1000000, idx, c.generation});
				flush(idx);
				return;
			}
			// No delay: every chunk is its own write, as a flushing upstream
			// would do, so the gateway sees the same number of reads' worth.
			flush(idx);
			if (_conns[idx].fd < 0) return;
		}
	}

	void flush(uint32_t idx)
	{
		Conn& c = _conns[idx];
		size_t off = 0;
		while (off < c.out.size())
		{
			ssize_t n = send(c.fd, c.out.data() + off, c.out.size() - off, MSG_NOSIGNAL);
			if (n > 0) { off += static_cast<size_t>(n); continue; }
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
			closeConn(idx);
			return;
		}
		c.out.erase(0, off);
		bool want = !c.out.empty();
		if (want != c.wantWrite)
		{
			c.wantWrite = want;
			epoll_event ev{};
			ev.events = EPOLLIN | EPOLLRDHUP | (want ? EPOLLOUT : 0u);
			ev.data.u32 = idx;
			epoll_ctl(_ep, EPOLL_CTL_MOD, c.fd, &ev);
		}
	}

	int _listen;
	int _ep = -1;
	std::vector<Conn> _conns;
	std::vector<uint32_t> _free;
	std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> _timers;
	unsigned long _counter = 0;
};

} // namespace


int main(int argc, char** argv)
{
	int port = 0, threads = 2;
	std::string portFile;
	for (int i = 1; i < argc; ++i)
	{
		std::string a = argv[i];
		if (a.rfind("--port=", 0) == 0) port = std::atoi(a.c_str() + 7);
		else if (a.rfind("--port-file=", 0) == 0) portFile = a.substr(12);
		else if (a.rfind("--threads=", 0) == 0) threads = std::max(1, std::min(64, std::atoi(a.c_str() + 10)));
		else
		{
			std::cerr << "usage: bench_fake_upstream [--port=N] [--port-file=FILE] [--threads=2]\n";
			return 2;
		}
	}
	std::signal(SIGPIPE, SIG_IGN);
	std::signal(SIGINT, onSignal);
	std::signal(SIGTERM, onSignal);

	// One listening socket per worker (SO_REUSEPORT): the kernel spreads the
	// connections over the workers, so a burst on 16 kept-alive connections
	// uses every core instead of the one worker that happened to accept.
	std::vector<int> listeners;
	sockaddr_in addr{};
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.sin_port = htons(static_cast<uint16_t>(port));
	for (int i = 0; i < threads; ++i)
	{
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
		// A large backlog: the benchmark opens thousands of streams in a
		// burst, and a dropped SYN costs the client a one-second retransmission.
		if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 || listen(fd, 65535) < 0)
		{
			std::perror("bind/listen");
			return 1;
		}
		// The first socket took the port (maybe any free one): the others share it.
		socklen_t len = sizeof addr;
		getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
		listeners.push_back(fd);
	}
	if (!portFile.empty())
	{
		std::ofstream(portFile + ".tmp") << ntohs(addr.sin_port) << "\n";
		std::rename((portFile + ".tmp").c_str(), portFile.c_str());
	}
	std::cout << "bench_fake_upstream listening on http://127.0.0.1:" << ntohs(addr.sin_port) << "/" << std::endl;

	std::vector<std::unique_ptr<Worker>> workers;
	std::vector<std::thread> pool;
	for (int fd: listeners) workers.emplace_back(new Worker(fd));
	for (auto& w: workers) pool.emplace_back([&w] { w->run(); });
	for (auto& t: pool) t.join();
	for (int fd: listeners) close(fd);
	return 0;
}
