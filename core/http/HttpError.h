//
// HttpError.h
//


#ifndef Nash_HttpError_INCLUDED
#define Nash_HttpError_INCLUDED


#include "Poco/Exception.h"
#include <string>


namespace Nash {


class HttpError: public Poco::Exception
	/// A request the server refuses, with the HTTP status to answer and the
	/// JSON field the message goes in ("detail" for what the client got
	/// wrong, "error" for what went wrong on our side or upstream).
{
public:
	HttpError(int status, const std::string& message, const std::string& bodyField = "detail");

	int status() const;
	const std::string& bodyField() const;

	const char* name() const noexcept override;
	const char* className() const noexcept override;
	Poco::Exception* clone() const override;
	void rethrow() const override;

	static HttpError badRequest(const std::string& message);
		/// 400 with {"detail": message}.

private:
	int _status;
	std::string _bodyField;
};


} // namespace Nash


#endif // Nash_HttpError_INCLUDED
