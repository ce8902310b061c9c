//
// RequestHeadLimits.h
//


#ifndef Nash_RequestHeadLimits_INCLUDED
#define Nash_RequestHeadLimits_INCLUDED


#include "Poco/Net/HTTPRequest.h"
#include "Poco/Net/NetException.h"
#include <cstddef>
#include <string>


namespace Nash {


class RequestHeadLimits
	/// The limits on a request's head (request line and header fields), and
	/// the statuses for heads that break them: 431 for too many or too large
	/// fields, 414 for a request line too long, 400 for anything malformed.
	///
	/// Poco's parser has fixed limits of its own (100 fields, 8 KiB a value,
	/// 16 KiB a URI) and reports a breach only through its exception's text;
	/// parseErrorStatus() knows those texts (a unit test parses real heads
	/// with Poco so that a change of wording cannot pass unnoticed).
{
public:
	RequestHeadLimits(int maxFields, std::size_t maxBytes);

	void check(const Poco::Net::HTTPRequest& request) const;
		/// Throws HttpError(431) when request has more fields or more bytes
		/// than allowed.

	static int parseErrorStatus(const Poco::Net::MessageException& exc);
		/// The status for a head Poco's parser refused with exc.

	static std::string parseErrorMessage(int status);
		/// What the client is told for that status.

	static std::size_t headBytes(const Poco::Net::HTTPRequest& request);
		/// The request line and every field's name and value.

private:
	int _maxFields;
	std::size_t _maxBytes;
};


} // namespace Nash


#endif // Nash_RequestHeadLimits_INCLUDED
