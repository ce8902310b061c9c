//
// BackendException.h
//


#ifndef Nash_BackendException_INCLUDED
#define Nash_BackendException_INCLUDED


#include "Poco/Exception.h"
#include <string>


namespace Nash {


class BackendException: public Poco::Exception
	/// Thrown by a backend when its model cannot answer: the upstream refused,
	/// timed out, broke off or sent something unusable. The message is shown
	/// to the client as it is, so it must say what went wrong and must never
	/// contain a key or other secret.
	///
	/// Other Poco exceptions thrown by a backend are reported the same way;
	/// this class exists so that a backend can say so explicitly.
{
public:
	explicit BackendException(const std::string& message, int code = 0):
		Poco::Exception(message, code)
	{
	}

	const char* name() const noexcept override
	{
		return "Backend error";
	}

	const char* className() const noexcept override
	{
		return typeid(*this).name();
	}

	Poco::Exception* clone() const override
	{
		return new BackendException(*this);
	}

	void rethrow() const override
	{
		throw *this;
	}
};


} // namespace Nash


#endif // Nash_BackendException_INCLUDED
