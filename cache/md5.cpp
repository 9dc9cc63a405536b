#include "cache/md5.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace thd {

std::string md5_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &len, EVP_md5(), nullptr) != 1)
    throw std::runtime_error("OpenSSL EVP_Digest(MD5) failed");
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out(len * 2, '0');
  for (unsigned int i = 0; i < len; ++i) {
    out[2 * i] = k_hex[digest[i] >> 4];
    out[2 * i + 1] = k_hex[digest[i] & 15];
  }
  return out;
}

std::string cache_file_name(std::string_view service, std::string_view key) {
  std::string material;
  material.reserve(service.size() + 1 + key.size());
  material.append(service).append("_").append(key);
  return md5_hex(material) + ".json";
}

}  // namespace thd
