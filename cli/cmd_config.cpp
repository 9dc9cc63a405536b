// --show-config (global): every setting with its value and origin, the API
// keys found (the variables' names only, never a value), and where the data
// and cache directories resolve to. As a table or as JSON
// (schemas/show-config.schema.json).
#include <cstdio>
#include <filesystem>

#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "core/base/env.hpp"
#include "core/base/error.hpp"
#include "core/base/json_writer.hpp"
#include "core/base/log.hpp"
#include "core/base/text.hpp"
#include "core/config.hpp"
#include "services/providers/registry.hpp"

namespace thd::cli {
namespace {

// An environment variable a service reads a key or a contact from.
struct KeyVariable {
  std::string variable, service, kind;  // kind: "key", "paid plan key", "contact"
  bool set = false;
};

std::vector<KeyVariable> key_variables(const EnvLookup& env) {
  std::vector<KeyVariable> out;
  auto add = [&](std::string_view variable, std::string_view service, const char* kind) {
    if (variable.empty()) return;
    auto value = env(std::string(variable));
    out.push_back({std::string(variable), std::string(service), kind, value && !trim(*value).empty()});
  };
  for (const Provider* provider : all_providers()) {  // in the order of k_service_names
    const ProviderInfo& info = provider->info();
    add(info.key_env, info.name, "key");
    add(info.paid_key_env, info.name, "paid plan key");
    add(info.contact_env, info.name, "contact");
  }
  return out;
}

struct ResolvedDir {
  std::string name, label, path;
  bool exists = false;
};

ResolvedDir resolved_dir(const char* name, const char* label, const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(dir, ec);
  if (ec) abs = dir;
  return {name, label, abs.lexically_normal().string(), std::filesystem::is_directory(dir, ec)};
}

std::vector<ResolvedDir> resolved_dirs(const Config& config) {
  return {resolved_dir("data_dir", "data dir", config.data_dir),
          resolved_dir("cache_dir", "cache dir", config.cache_dir)};
}

std::string origin_text(const ShownSetting& s) {
  std::string origin(origin_name(s.origin));
  if (!s.where.empty() && s.origin != Origin::built_in) origin += " (" + s.where + ")";
  return origin;
}

void print_table(const Config& config, const std::vector<KeyVariable>& keys,
                 const std::vector<ResolvedDir>& dirs) {
  Table t({{"SETTING", 42}, {"VALUE", 40}, {"ORIGIN", 0}});
  t.add_row({"config_file", config.config_file ? config.config_file->string() : "(none)"});
  for (const ShownSetting& s : config.shown)
    t.add_row({s.name,
               printable(is_duration_setting(s.name) ? seconds_with_unit(s.value) : s.value) +
                   (s.problem.empty() ? "" : "  (INVALID: " + s.problem + ")"),
               origin_text(s)});
  t.print();
  // No blank line, and no row that starts like a setting's: a script can key the lines by their first word.
  print(stdout, "API KEYS AND CONTACTS (from the environment; values are never shown)\n");
  Table k({{"", 24}, {"", 15}, {"", 0}}, 2);
  for (const KeyVariable& v : keys)
    k.add_row({v.variable + ":", v.set ? "set" : "not set", v.service + " (" + v.kind + ")"});
  k.print();
  print(stdout, "DIRECTORIES (resolved)\n");
  Table d({{"", 11}, {"", 0}}, 2);
  for (const ResolvedDir& r : dirs)
    d.add_row({r.label + ":", printable(r.path) + (r.exists ? "" : " (does not exist)")});
  d.print();
}

void print_json(const Config& config, const std::vector<KeyVariable>& keys,
                const std::vector<ResolvedDir>& dirs) {
  JsonWriter w;
  w.begin_object();
  w.key("config_file");
  if (config.config_file)
    w.value(config.config_file->string());
  else
    w.null();
  w.key("settings").begin_array();
  for (const ShownSetting& s : config.shown) {
    w.begin_object().field("name", s.name).field("value", s.value).field("origin", origin_name(s.origin));
    w.key("where");
    if (s.origin == Origin::built_in || s.where.empty())
      w.null();
    else
      w.value(s.where);
    if (!s.problem.empty()) w.field("problem", s.problem);
    w.end_object();
  }
  w.end_array();
  w.key("api_keys").begin_array();
  for (const KeyVariable& v : keys)
    w.begin_object()
        .field("variable", v.variable)
        .field("service", v.service)
        .field("kind", v.kind)
        .field("set", v.set)
        .end_object();
  w.end_array();
  w.key("directories").begin_object();
  for (const ResolvedDir& r : dirs)
    w.key(r.name).begin_object().field("path", r.path).field("exists", r.exists).end_object();
  w.end_object();
  w.end_object();
  print(stdout, "%s\n", w.str().c_str());
}

}  // namespace

int run_show_config(const Context& context, const std::string& format) {
  if (format != "table" && format != "json")
    throw FatalError(ExitCode::usage,
                     "--show-config --report '" + format + "': the settings print as table or json");
  const auto keys = key_variables(process_environment());
  const auto dirs = resolved_dirs(context.config);
  if (format == "json")
    print_json(context.config, keys, dirs);
  else
    print_table(context.config, keys, dirs);
  return 0;
}

}  // namespace thd::cli
