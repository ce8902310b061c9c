//
// JsonTreeCost.cpp
//


#include "core/json/JsonTreeCost.h"


namespace Nash {


std::size_t JsonTreeCost::estimate(const std::string& text)
{
	std::size_t cost = 0;
	std::size_t i = 0;
	const std::size_t size = text.size();
	while (i < size)
	{
		char c = text[i];
		switch (c)
		{
		case '{':
			cost += OBJECT;
			++i;
			break;
		case '[':
			cost += ARRAY;
			++i;
			break;
		case ':':
			cost += MEMBER;
			++i;
			break;
		case '"':
		{
			// A string: its bytes count once (escapes shrink when decoded,
			// so counting them raw stays an upper bound).
			std::size_t start = ++i;
			while (i < size && text[i] != '"')
			{
				if (text[i] == '\\') ++i;
				++i;
			}
			cost += STRING + (i < size ? i : size) - start;
			++i;
			break;
		}
		case '-': case '0': case '1': case '2': case '3': case '4':
		case '5': case '6': case '7': case '8': case '9':
		case 't': case 'f': case 'n':
			// One scalar, however many bytes it has.
			cost += SCALAR;
			while (i < size && text[i] != ',' && text[i] != ']' && text[i] != '}' && text[i] != ':' &&
					text[i] != ' ' && text[i] != '\n' && text[i] != '\r' && text[i] != '\t' && text[i] != '"' &&
					text[i] != '[' && text[i] != '{')
				++i;
			break;
		default:
			++i;
			break;
		}
	}
	return cost;
}


} // namespace Nash
