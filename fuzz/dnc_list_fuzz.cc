// The DNC list and import parsers (registry/list_reader.h) on arbitrary bytes:
// never crash, split the same rows whatever the chunking, keep every field
// within its line, and every import row either parses or says why.
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "quell/core/number_plan.h"
#include "quell/registry/list_reader.h"

namespace {

struct Row {
  int64_t line;
  bool too_long;
  std::vector<std::string> fields;
  bool operator==(const Row&) const = default;
};

std::vector<Row> Read(std::string_view input, std::size_t chunk) {
  std::vector<Row> rows;
  quell::registry::ListReader reader;
  auto on_row = [&](const quell::registry::ListRow& r) {
    if (r.line < 1 || (r.too_long && !r.fields.empty())) std::abort();
    if (r.fields.size() > quell::registry::ListReader::kMaxFields) std::abort();
    Row row{r.line, r.too_long, {}};
    for (std::string_view f : r.fields) {
      if (f.size() > quell::registry::ListReader::kMaxLineBytes) std::abort();
      row.fields.emplace_back(f);
    }
    rows.push_back(std::move(row));
  };
  for (std::size_t at = 0; at < input.size(); at += chunk) {
    reader.Feed(input.substr(at, chunk), on_row);
  }
  reader.Finish(on_row);
  return rows;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const quell::NumberPlan plan("CN");
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::vector<Row> whole = Read(input, input.size() + 1);
  if (Read(input, 7) != whole || Read(input, 1) != whole) std::abort();
  quell::registry::ListReader reader;
  reader.Feed(input, [&](const quell::registry::ListRow& r) {
    auto parsed = quell::registry::ParseImportRow(r, plan);
    if (!parsed && parsed.status().message().empty()) std::abort();
    if (parsed && parsed->number == 0) std::abort();
  });
  for (const Row& r : whole) {
    if (!r.fields.empty()) (void)quell::registry::ParseDateOrTime(r.fields[0]);
  }
  return 0;
}
