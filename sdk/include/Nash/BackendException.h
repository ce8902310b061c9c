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
	///
	/// The code is the provider's HTTP status when the provider refused (the
	/// server answers the client in kind: 429 stays a rate limit), else 0.
{
public:
	enum class Cause
		/// What a ProviderBackend's decoding found wrong, for the server's
		/// count of failed upstream calls.
	{
		Unspecified,
		ErrorReported,
			/// The provider reported an error (in an event, or an answer).
		Malformed,
			/// The provider sent something that is not its API's.
		Incomplete
			/// The answer ended before it was whole.
	};

	explicit BackendException(const std::string& message, int code = 0, Cause cause = Cause::Unspecified):
		Poco::Exception(message, code),
		_cause(cause)
	{
	}

	Cause cause() const
	{
		return _cause;
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

private:
	Cause _cause;
};


} // namespace Nash


#endif // Nash_BackendException_INCLUDED
