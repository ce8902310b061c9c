//
// RawHttpConnection.h
//


#ifndef Nash_RawHttpConnection_INCLUDED
#define Nash_RawHttpConnection_INCLUDED


#include "Poco/Net/StreamSocket.h"
#include <map>
#include <string>
#include <vector>


namespace NashTest {


class RawHttpConnection
	/// A client that sends exactly the bytes it is given and reads back the
	/// responses as they are on the wire, for tests of how the server frames
	/// and refuses requests. Responses are split by their own framing
	/// (Content-Length, chunked, or the end of the connection).
{
public:
	struct Response
	{
		int status = 0;
		std::string statusLine;
		std::map<std::string, std::string> headers;
			/// Names in lower case; a repeated name keeps its last value.
		std::string body;
			/// Decoded from chunked when it was chunked.
		bool chunked = false;
		bool delimitedByClose = false;
		std::string raw;
			/// The head and body as they were received.
	};

	explicit RawHttpConnection(int port);

	void send(const std::string& bytes);
	void shutdownSend();
		/// Closes the sending side only (the client still reads).

	bool readResponse(Response& response, int timeoutMs = 5000, bool headRequest = false);
		/// The next response; false when the connection ended (or nothing
		/// came within the timeout) before a whole one.

	bool closedByServer(int timeoutMs = 3000);
		/// True when the server ends the connection within the timeout
		/// without sending anything more. Extra bytes are kept in leftover().

	const std::string& leftover() const;
		/// Bytes received beyond the responses read.

private:
	bool fill(int timeoutMs);
	bool readLine(std::string& line, int timeoutMs);
	bool readBytes(std::size_t count, std::string& out, int timeoutMs);

	Poco::Net::StreamSocket _socket;
	std::string _buffer;
	bool _eof = false;
};


} // namespace NashTest


#endif // Nash_RawHttpConnection_INCLUDED
