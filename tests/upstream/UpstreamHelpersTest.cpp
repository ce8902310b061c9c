//
// UpstreamHelpersTest.cpp
//


#include "NashUpstream/ModelCatalog.h"
#include "NashUpstream/Redaction.h"
#include "NashUpstream/UpstreamClient.h"
#include "NashUpstream/UpstreamError.h"
#include "NashUpstream/UpstreamSettings.h"
#include "Poco/AutoPtr.h"
#include "Poco/Util/MapConfiguration.h"
#include <cppunit/extensions/HelperMacros.h>


namespace {


Poco::AutoPtr<Poco::Util::MapConfiguration> section(const std::map<std::string, std::string>& values)
{
	Poco::AutoPtr<Poco::Util::MapConfiguration> config(new Poco::Util::MapConfiguration);
	for (const auto& value: values) config->setString(value.first, value.second);
	return config;
}


} // namespace


class UpstreamHelpersTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(UpstreamHelpersTest);
	CPPUNIT_TEST(testErrorMessagesOfTheUsualShapes);
	CPPUNIT_TEST(testRedaction);
	CPPUNIT_TEST(testRedactionHidesUserInformation);
	CPPUNIT_TEST(testRedactionHidesCredentialParameters);
	CPPUNIT_TEST(testRedactionOfIpv6Hosts);
	CPPUNIT_TEST(testRedactionFindsUrlsInText);
	CPPUNIT_TEST(testRedactionOfNestedUrls);
	CPPUNIT_TEST(testRedactionLeavesTextWithoutUrls);
	CPPUNIT_TEST(testRedactionIsIdempotent);
	CPPUNIT_TEST(testRedactionOfKnownSecrets);
	CPPUNIT_TEST(testRedactionOfOneUrl);
	CPPUNIT_TEST(testCredentialNames);
	CPPUNIT_TEST(testSettings);
	CPPUNIT_TEST(testBadSettingsNameTheKey);
	CPPUNIT_TEST(testRetryAfter);
	CPPUNIT_TEST(testModelCatalog);
	CPPUNIT_TEST_SUITE_END();

public:
	void testErrorMessagesOfTheUsualShapes()
	{
		using NashUpstream::UpstreamError;
		CPPUNIT_ASSERT_EQUAL(std::string("Incorrect API key"), UpstreamError::messageOfBody("{\"error\": {\"message\": \"Incorrect API key\", \"type\": \"invalid_request_error\"}}"));
		CPPUNIT_ASSERT_EQUAL(std::string("model not found"), UpstreamError::messageOfBody("{\"error\": \"model not found\"}"));
		CPPUNIT_ASSERT_EQUAL(std::string("Bad Gateway"), UpstreamError::messageOfBody("  Bad Gateway \n"));
		CPPUNIT_ASSERT_EQUAL(std::string("OpenAI answered 401 Unauthorized: Incorrect API key"),
			UpstreamError::describeStatus("OpenAI", 401, "Unauthorized", "{\"error\": {\"message\": \"Incorrect API key\"}}"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(203), UpstreamError::snippet(std::string(500, 'a')).size());
	}

	void testRedaction()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("key [redacted] is wrong, [redacted]!"),
			NashUpstream::UpstreamError::redact("key sk-secret-1 is wrong, sk-secret-1!", {"sk-secret-1", ""}));
	}

	void testRedactionHidesUserInformation()
	{
		using NashUpstream::Redaction;
		CPPUNIT_ASSERT_EQUAL(std::string("http://***@host:8080/v1"), Redaction::text("http://user:s3cretpw@host:8080/v1"));
		// A user name alone may be the token (https://<token>@github.com/...).
		CPPUNIT_ASSERT_EQUAL(std::string("https://***@github.com/o/r.git"), Redaction::text("https://ghp_abc123@github.com/o/r.git"));
		// An unencoded '@' in the password: everything before the host goes.
		CPPUNIT_ASSERT_EQUAL(std::string("http://***@host/x"), Redaction::text("http://user:p@ss@host/x"));
		// Percent-encoded characters in the password.
		CPPUNIT_ASSERT_EQUAL(std::string("http://***@host"), Redaction::text("http://user:p%2Fss%40w@host"));
		// No path: the URL ends at the authority.
		CPPUNIT_ASSERT_EQUAL(std::string("redis://***@10.0.0.1:6379"), Redaction::text("redis://:pw@10.0.0.1:6379"));
		// An '@' in the path is no user information.
		CPPUNIT_ASSERT_EQUAL(std::string("https://registry.npmjs.org/@scope/pkg"), Redaction::text("https://registry.npmjs.org/@scope/pkg"));
		CPPUNIT_ASSERT_EQUAL(std::string("HTTPS://***@Host.Example/"), Redaction::text("HTTPS://u:p@Host.Example/"));
	}

	void testRedactionHidesCredentialParameters()
	{
		using NashUpstream::Redaction;
		CPPUNIT_ASSERT_EQUAL(std::string("https://host/x?api_key=***&model=m"), Redaction::text("https://host/x?api_key=sk-1&model=m"));
		CPPUNIT_ASSERT_EQUAL(std::string("https://host/x?model=m&token=***"), Redaction::text("https://host/x?model=m&token=t0k"));
		CPPUNIT_ASSERT_EQUAL(std::string("https://host/x?a=1;key=***;b=2"), Redaction::text("https://host/x?a=1;key=abc;b=2"));
		// Case and '-' or '_' do not matter; the names APIs use.
		CPPUNIT_ASSERT_EQUAL(std::string("https://s3/o?X-Amz-Signature=***&X-Amz-Date=20240101"),
			Redaction::text("https://s3/o?X-Amz-Signature=abcdef&X-Amz-Date=20240101"));
		CPPUNIT_ASSERT_EQUAL(std::string("https://h/?ACCESS-TOKEN=***&Client_Secret=***&apiKey=***&sig=***"),
			Redaction::text("https://h/?ACCESS-TOKEN=a&Client_Secret=b&apiKey=c&sig=d"));
		// A percent-encoded name is the same name.
		CPPUNIT_ASSERT_EQUAL(std::string("https://h/?api%5Fkey=***"), Redaction::text("https://h/?api%5Fkey=k3y"));
		// The fragment too (OAuth's implicit grant).
		CPPUNIT_ASSERT_EQUAL(std::string("https://app/cb#access_token=***&state=s"), Redaction::text("https://app/cb#access_token=at-1&state=s"));
		// A '?' after the '#' belongs to the fragment.
		CPPUNIT_ASSERT_EQUAL(std::string("https://h/p#x?token=***"), Redaction::text("https://h/p#x?token=t"));
		// Without a value, or without '=', there is nothing to hide.
		CPPUNIT_ASSERT_EQUAL(std::string("https://h/?token=&key"), Redaction::text("https://h/?token=&key"));
		CPPUNIT_ASSERT_EQUAL(std::string("https://h/?model=gpt&q=keys"), Redaction::text("https://h/?model=gpt&q=keys"));
		// User information and parameters together.
		CPPUNIT_ASSERT_EQUAL(std::string("http://***@127.0.0.1:9/v1?api_key=***"), Redaction::text("http://user:s3cretpw@127.0.0.1:9/v1?api_key=k3y"));
	}

	void testRedactionOfIpv6Hosts()
	{
		using NashUpstream::Redaction;
		CPPUNIT_ASSERT_EQUAL(std::string("http://***@[::1]:8080/v1"), Redaction::text("http://user:pw@[::1]:8080/v1"));
		CPPUNIT_ASSERT_EQUAL(std::string("http://[fe80::1%25eth0]:11434/api"), Redaction::text("http://[fe80::1%25eth0]:11434/api"));
		CPPUNIT_ASSERT_EQUAL(std::string("https://***@[2001:db8::7]/x?token=***"), Redaction::text("https://a:b@[2001:db8::7]/x?token=t"));
		CPPUNIT_ASSERT_EQUAL(std::string("http://[::1]"), Redaction::text("http://[::1]"));
	}

	void testRedactionFindsUrlsInText()
	{
		using NashUpstream::Redaction;
		// Punctuation right after a URL belongs to it: hiding a character too
		// many is the better mistake.
		CPPUNIT_ASSERT_EQUAL(std::string("cannot reach http://***@h:1/v1?key=*** Connection refused"),
			Redaction::text("cannot reach http://u:pw@h:1/v1?key=k3y: Connection refused"));
		CPPUNIT_ASSERT_EQUAL(std::string("see (http://***@h/x), then"), Redaction::text("see (http://u:p@h/x), then"));
		// Quotes, '<', '>', '`' and blanks end a URL.
		CPPUNIT_ASSERT_EQUAL(std::string("url 'http://***@h/' and \"https://h/?token=***\" <ws://***@h> `ftp://***@f`"),
			Redaction::text("url 'http://a:1@h/' and \"https://h/?token=2\" <ws://c:3@h> `ftp://d:4@f`"));
		CPPUNIT_ASSERT_EQUAL(std::string("a\thttp://***@h\nb"), Redaction::text("a\thttp://u:p@h\nb"));
		// Several URLs, each on its own.
		CPPUNIT_ASSERT_EQUAL(std::string("http://***@a/ https://b/?x=1 http://c/?secret=***"),
			Redaction::text("http://u:p@a/ https://b/?x=1 http://c/?secret=s"));
		// "://" with nothing after it.
		CPPUNIT_ASSERT_EQUAL(std::string("scheme:// end"), Redaction::text("scheme:// end"));
		CPPUNIT_ASSERT_EQUAL(std::string("://"), Redaction::text("://"));
	}

	void testRedactionOfNestedUrls()
	{
		using NashUpstream::Redaction;
		CPPUNIT_ASSERT_EQUAL(std::string("https://auth/cb?redirect_uri=http://***@inner/x&state=1"),
			Redaction::text("https://auth/cb?redirect_uri=http://u:pw@inner/x&state=1"));
		CPPUNIT_ASSERT_EQUAL(std::string("https://proxy/get/http://***@inner/x?token=***"),
			Redaction::text("https://proxy/get/http://u:pw@inner/x?token=t"));
	}

	void testRedactionLeavesTextWithoutUrls()
	{
		using NashUpstream::Redaction;
		for (const auto& text: {std::string(), std::string("plain text"), std::string("user:pw@host:8080 (no scheme)"),
			std::string("api_key=k3y&token=t"), std::string("h\xC3\xA9llo \"quoted\" http:/one-slash"), std::string("a\0b", 3)})
		{
			CPPUNIT_ASSERT_EQUAL(text, Redaction::text(text));
		}
		CPPUNIT_ASSERT_EQUAL(std::string("https://api.openai.com/v1/chat/completions"), Redaction::text("https://api.openai.com/v1/chat/completions"));
	}

	void testRedactionIsIdempotent()
	{
		using NashUpstream::Redaction;
		for (const auto& text: {
			std::string("http://user:s3cretpw@127.0.0.1:9/v1?api_key=k3y"),
			std::string("x https://a:b@[::1]/p#access_token=t y"),
			std::string("https://auth/cb?redirect_uri=http://u:pw@inner/x?token=t&state=1"),
			std::string("key sk-secret-1 at http://h/?key=sk-secret-1"),
			std::string("no URL here")})
		{
			std::string once = Redaction::text(text, {"sk-secret-1"});
			CPPUNIT_ASSERT_EQUAL(once, Redaction::text(once, {"sk-secret-1"}));
			CPPUNIT_ASSERT_EQUAL(Redaction::text(text), Redaction::text(Redaction::text(text)));
			CPPUNIT_ASSERT_EQUAL(Redaction::url(text), Redaction::url(Redaction::url(text)));
		}
	}

	void testRedactionOfKnownSecrets()
	{
		using NashUpstream::Redaction;
		CPPUNIT_ASSERT_EQUAL(std::string("Incorrect API key provided: [redacted]. See http://***@h/?key=***"),
			Redaction::text("Incorrect API key provided: sk-proj-XYZ. See http://sk-proj-XYZ@h/?key=sk-proj-XYZ", {"sk-proj-XYZ"}));
		// Secrets shorter than 4 characters would mangle ordinary words.
		CPPUNIT_ASSERT_EQUAL(std::string("the abc of it"), Redaction::text("the abc of it", {"abc", ""}));
		// A secret that is part of the mask does not loop.
		CPPUNIT_ASSERT_EQUAL(std::string("[redacted] [redacted]"), Redaction::text("dact dact", {"dact"}));
		CPPUNIT_ASSERT_EQUAL(std::string("[redacted][redacted]"), Redaction::text("tok1tok2", {"tok1", "tok2"}));
	}

	void testRedactionOfOneUrl()
	{
		using NashUpstream::Redaction;
		CPPUNIT_ASSERT_EQUAL(std::string("http://***@host:11434"), Redaction::url("http://u:p@host:11434"));
		// Without a scheme: host[:port] with optional user information (OLLAMA_HOST).
		CPPUNIT_ASSERT_EQUAL(std::string("***@host:11434"), Redaction::url("u:p@host:11434"));
		CPPUNIT_ASSERT_EQUAL(std::string("host:11434/x?token=***"), Redaction::url("host:11434/x?token=t"));
		// As a whole, blanks and all.
		CPPUNIT_ASSERT_EQUAL(std::string("http://***@h/a b?key=***"), Redaction::url("http://u:p w@h/a b?key=k 1"));
	}

	void testCredentialNames()
	{
		using NashUpstream::Redaction;
		for (const char* name: {"key", "api_key", "apikey", "API-KEY", "token", "access_token", "refresh-token", "secret", "client_secret",
			"password", "passwd", "pass", "pwd", "sig", "signature", "X-Amz-Signature", "auth", "authorization", "code",
			"credential", "credentials", "session", "sid", "sessionid", "JSESSIONID", "session_id", "aws_sig"})
		{
			CPPUNIT_ASSERT_MESSAGE(name, Redaction::isCredentialName(name));
		}
		for (const char* name: {"", "model", "q", "state", "stream", "keys", "tokens_limit", "user", "format", "author", "signal"})
		{
			CPPUNIT_ASSERT_MESSAGE(name, !Redaction::isCredentialName(name));
		}
	}

	void testSettings()
	{
		auto config = section({{"base_url", "http://127.0.0.1:9999/v1/"}, {"idle_timeout_ms", "2500"}, {"max_retries", "0"},
			{"header.X-Title", "nash"}, {"tls_verify", "false"}});
		auto settings = NashUpstream::UpstreamSettings::read(*config, "https://example.invalid/v1");
		CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), settings.baseUri.getHost());
		CPPUNIT_ASSERT_EQUAL(2500LL, static_cast<long long>(settings.idleTimeout.totalMilliseconds()));
		CPPUNIT_ASSERT_EQUAL(0, settings.maxRetries);
		CPPUNIT_ASSERT(!settings.verifyTls);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), settings.headers.size());
		CPPUNIT_ASSERT_EQUAL(std::string("X-Title"), settings.headers[0].first);
		auto defaults = NashUpstream::UpstreamSettings::read(*section({}), "https://api.example.com/v1");
		CPPUNIT_ASSERT_EQUAL(std::string("https"), defaults.baseUri.getScheme());
		CPPUNIT_ASSERT(defaults.verifyTls);
	}

	void testBadSettingsNameTheKey()
	{
		for (const auto& bad: std::map<std::string, std::string>{{"base_url", "ftp://x"}, {"idle_timeout_ms", "soon"}, {"tls_verify", "perhaps"}, {"max_retries", "-1"}})
		{
			try
			{
				NashUpstream::UpstreamSettings::read(*section({bad}), "http://127.0.0.1/");
				CPPUNIT_FAIL("accepted " + bad.first + " = " + bad.second);
			}
			catch (Poco::InvalidArgumentException& exc)
			{
				CPPUNIT_ASSERT(exc.message().find(bad.first) != std::string::npos);
			}
		}
	}

	void testRetryAfter()
	{
		Poco::Net::NameValueCollection headers;
		CPPUNIT_ASSERT_EQUAL(-1L, NashUpstream::UpstreamClient::retryAfterMilliseconds(headers));
		headers.set("Retry-After", "2");
		CPPUNIT_ASSERT_EQUAL(2000L, NashUpstream::UpstreamClient::retryAfterMilliseconds(headers));
		headers.set("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT");
		CPPUNIT_ASSERT_EQUAL(0L, NashUpstream::UpstreamClient::retryAfterMilliseconds(headers));
		CPPUNIT_ASSERT(NashUpstream::UpstreamClient::isRetryable(429));
		CPPUNIT_ASSERT(NashUpstream::UpstreamClient::isRetryable(503));
		CPPUNIT_ASSERT(!NashUpstream::UpstreamClient::isRetryable(401));
	}

	void testModelCatalog()
	{
		auto catalog = NashUpstream::ModelCatalog::read(*section({{"models", "a, b"}}), "z");
		CPPUNIT_ASSERT_EQUAL(std::string("a"), catalog.defaultModel);
		catalog = NashUpstream::ModelCatalog::read(*section({{"models", "a"}, {"default_model", "c"}}), "z");
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), catalog.models.size());
		CPPUNIT_ASSERT_EQUAL(std::string("c"), catalog.models[0]);
		CPPUNIT_ASSERT_EQUAL(std::string("z"), NashUpstream::ModelCatalog::read(*section({}), "z").defaultModel);
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(UpstreamHelpersTest);
