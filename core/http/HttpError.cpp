//
// HttpError.cpp
//


#include "core/http/HttpError.h"
#include <typeinfo>


namespace Nash {


HttpError::HttpError(int status, const std::string& message, const std::string& bodyField):
	Poco::Exception(message, status),
	_status(status),
	_bodyField(bodyField)
{
}


int HttpError::status() const
{
	return _status;
}


const std::string& HttpError::bodyField() const
{
	return _bodyField;
}


const char* HttpError::name() const noexcept
{
	return "HTTP error";
}


const char* HttpError::className() const noexcept
{
	return typeid(*this).name();
}


Poco::Exception* HttpError::clone() const
{
	return new HttpError(*this);
}


void HttpError::rethrow() const
{
	throw *this;
}


HttpError HttpError::badRequest(const std::string& message)
{
	return HttpError(400, message, "detail");
}


} // namespace Nash
