//
// JsonTreeCost.h
//
// What a Poco::JSON tree of a text would cost, told without building it.
//


#ifndef Nash_JsonTreeCost_INCLUDED
#define Nash_JsonTreeCost_INCLUDED


#include <cstddef>
#include <string>


namespace Nash {


class JsonTreeCost
	/// Estimates the memory a Poco::JSON tree of a JSON text takes, from a
	/// single pass over its bytes that allocates nothing.
	///
	/// Poco's values are large next to the text they come from: an empty
	/// object ("{}", two bytes) takes close to 900 bytes, an array about
	/// 140, a number or a short string 40 to 60, a member's key about 120
	/// more. A body that is mostly small values (330 000 empty objects in
	/// a megabyte) would take hundreds of times its size as a tree; this is
	/// how such a body is refused before the tree is built.
	///
	/// The text need not be valid JSON: whatever its bytes, the pass ends,
	/// and a text the parser would refuse is refused there. The estimate is
	/// an upper bound for valid JSON (each weight is rounded up from what
	/// Poco 1.11 on 64-bit glibc takes).
{
public:
	static std::size_t estimate(const std::string& text);
		/// The estimated size in bytes of the tree of text.

	static constexpr std::size_t OBJECT = 960;
	static constexpr std::size_t ARRAY = 160;
	static constexpr std::size_t STRING = 88;
		/// A string value or a member's key, plus its bytes.
	static constexpr std::size_t MEMBER = 64;
		/// What a member adds to its object besides its key and value.
	static constexpr std::size_t SCALAR = 48;
		/// A number, true, false or null.
};


} // namespace Nash


#endif // Nash_JsonTreeCost_INCLUDED
