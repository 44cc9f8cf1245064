// What a log may say of an exception that escaped the processing of client data.
//
// An exception's message may quote the input (nlohmann's parse errors show the last bytes
// read, and those may be a person's name), and logs never hold personal data. So a log says
// the exception's class and, for nlohmann::json's, its numeric id (e.g. type_error 316:
// invalid UTF-8), never what().
#pragma once

#include <exception>
#include <string>

namespace parcours::common {

// e.g. "nlohmann::json type_error 316", "std::out_of_range".
std::string describe_exception(const std::exception& e);

}  // namespace parcours::common
