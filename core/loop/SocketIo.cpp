//
// SocketIo.cpp
//


#include "core/loop/SocketIo.h"
#include "Poco/Error.h"
#include "Poco/Net/NetException.h"
#include "Poco/Net/SocketImpl.h"
#include <algorithm>
#include <cerrno>
#include <sys/socket.h>
#include <sys/types.h>


namespace Nash {


std::size_t SocketIo::sendSome(Poco::Net::StreamSocket& socket, const char* data, std::size_t size)
{
#ifdef MSG_NOSIGNAL
	const int flags = MSG_NOSIGNAL | MSG_DONTWAIT;
#else
	const int flags = MSG_DONTWAIT;
#endif
	poco_socket_t fd = socket.impl()->sockfd();
	if (fd == POCO_INVALID_SOCKET) throw Poco::Net::NetException("The connection is closed");
	for (;;)
	{
		ssize_t sent = ::send(fd, data, std::min<std::size_t>(size, 1 << 30), flags);
		if (sent >= 0) return static_cast<std::size_t>(sent);
		int error = errno;
		if (error == EINTR) continue;
		if (error == EAGAIN || error == EWOULDBLOCK) return 0;
		throw Poco::Net::NetException(Poco::Error::getMessage(error), error);
	}
}


} // namespace Nash
