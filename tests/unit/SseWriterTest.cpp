//
// SseWriterTest.cpp
//


#include "core/http/SseWriter.h"
#include "core/api/nash/StreamEvents.h"
#include "Poco/Exception.h"
#include <cppunit/extensions/HelperMacros.h>
#include <sstream>
#include <stdexcept>


namespace {


class FailingBuffer: public std::streambuf
	/// Accepts a number of bytes, then fails like a socket whose peer left.
{
public:
	explicit FailingBuffer(std::size_t capacity): _capacity(capacity)
	{
	}

protected:
	int overflow(int c) override
	{
		if (_written >= _capacity) return traits_type::eof();
		++_written;
		return c;
	}

	std::streamsize xsputn(const char*, std::streamsize n) override
	{
		if (_written + static_cast<std::size_t>(n) > _capacity) return 0;
		_written += static_cast<std::size_t>(n);
		return n;
	}

private:
	std::size_t _capacity;
	std::size_t _written = 0;
};


} // namespace


class SseWriterTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(SseWriterTest);
	CPPUNIT_TEST(testFraming);
	CPPUNIT_TEST(testEvents);
	CPPUNIT_TEST(testMessageOfShowsNoCredentials);
	CPPUNIT_TEST(testFailedWriteMarksClientGone);
	CPPUNIT_TEST_SUITE_END();

public:
	void testFraming()
	{
		std::ostringstream out;
		Nash::SseWriter writer(out);
		CPPUNIT_ASSERT(writer.event("{\"a\": 1}"));
		CPPUNIT_ASSERT(writer.done());
		CPPUNIT_ASSERT_EQUAL(std::string("data: {\"a\": 1}\n\ndata: [DONE]\n\n"), out.str());
		CPPUNIT_ASSERT_EQUAL(out.str().size(), writer.bytesWritten());
		CPPUNIT_ASSERT(!writer.failed());
	}

	void testEvents()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("{\"session_id\": \"abc\"}"), Nash::StreamEvents::session("abc"));
		CPPUNIT_ASSERT_EQUAL(std::string("{\"content\": \"two\\nlines\"}"), Nash::StreamEvents::content("two\nlines"));
		CPPUNIT_ASSERT_EQUAL(std::string("{\"error\": \"upstream said \\\"no\\\"\"}"), Nash::StreamEvents::error("upstream said \"no\""));
		Nash::ToolCallDelta delta;
		delta.index = 1;
		delta.id = "call_1";
		delta.name = "add";
		delta.argumentsFragment = "{\"a\":";
		CPPUNIT_ASSERT_EQUAL(std::string("{\"tool_call_delta\": {\"index\": 1, \"id\": \"call_1\", \"name\": \"add\", \"arguments\": \"{\\\"a\\\":\"}}"), Nash::StreamEvents::toolCall(delta));
	}

	void testMessageOfShowsNoCredentials()
	{
		// What a backend's exception says goes into an error event: its URLs
		// lose their user information and credential parameters.
		CPPUNIT_ASSERT_EQUAL(std::string("cannot reach http://***@h:1/v1?api_key=*** (refused)"),
			Nash::StreamEvents::messageOf(Poco::IOException("cannot reach http://u:pw@h:1/v1?api_key=k3y (refused)")));
		CPPUNIT_ASSERT_EQUAL(std::string("https://***@h/"), Nash::StreamEvents::messageOf(std::runtime_error("https://u:pw@h/")));
		CPPUNIT_ASSERT_EQUAL(std::string("upstream answered 401"), Nash::StreamEvents::messageOf(Poco::Exception("upstream answered 401")));
	}

	void testFailedWriteMarksClientGone()
	{
		FailingBuffer buffer(20);
		std::ostream out(&buffer);
		Nash::SseWriter writer(out);
		CPPUNIT_ASSERT(writer.event("12345"));
		CPPUNIT_ASSERT(!writer.event("this one does not fit"));
		CPPUNIT_ASSERT(writer.failed());
		CPPUNIT_ASSERT(!writer.done());
		CPPUNIT_ASSERT_EQUAL(std::size_t(13), writer.bytesWritten());
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(SseWriterTest);
