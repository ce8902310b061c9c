//
// SocketIo.h
//


#ifndef Nash_SocketIo_INCLUDED
#define Nash_SocketIo_INCLUDED


#include "Poco/Net/StreamSocket.h"
#include <cstddef>


namespace Nash {


class SocketIo
	/// Writes to a non-blocking socket. Poco 1.11's sendBytes() throws when
	/// the socket's buffer is full, which an event loop must tell apart from
	/// a failure.
{
public:
	static std::size_t sendSome(Poco::Net::StreamSocket& socket, const char* data, std::size_t size);
		/// Sends what the socket takes now, without blocking or raising
		/// SIGPIPE: the bytes sent, 0 when its buffer is full. Throws
		/// Poco::Net::NetException when the connection failed.
};


} // namespace Nash


#endif // Nash_SocketIo_INCLUDED
