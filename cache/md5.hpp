// MD5 through OpenSSL's EVP interface: the cache's file names.
#pragma once

#include <string>
#include <string_view>

namespace thd {

std::string md5_hex(std::string_view data);
// md5hex(service + "_" + key) + ".json"
std::string cache_file_name(std::string_view service, std::string_view key);

}  // namespace thd
