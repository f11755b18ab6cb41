// `quell admin ...`: accounts and keys from the shell. Safe to run while the
// server runs (the store serialises writers across processes; the server sees new
// and revoked keys within access.key_cache_ttl).
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

#include "quell/cli/commands.h"
#include "quell/cli/common.h"
#include "quell/core/ids.h"

namespace quell::cli {
namespace {

int Fail(const Status& s) {
  PrintError(s);
  return s.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
}

Result<Role> RoleFromFlag(const std::string& name) {
  auto role = ParseRole(name);
  if (!role) {
    std::string all;
    for (const Term& t : Roles()) all += (all.empty() ? "" : ", ") + std::string(t.name);
    return InvalidArgument("'" + name + "' is not a role (one of: " + all + ")");
  }
  return *role;
}

// The organisation for a key or user: created with the role's kind if missing.
Status EnsureOrg(access::Accounts& accounts, Role role, const std::string& org) {
  if (org.empty()) return Status::Ok();
  if (accounts.FindOrganisation(org)) return Status::Ok();
  auto kind = OrgKindForRole(role);
  if (!kind) return InvalidArgument("role '" + std::string(Name(role)) + "' takes no organisation");
  QUELL_RETURN_IF_ERROR(accounts.CreateOrganisation(org, *kind).status());
  std::cerr << "quell: created organisation '" << org << "' (" << Name(*kind) << ")\n";
  return Status::Ok();
}

}  // namespace

void AddAdminCommands(CLI::App& app, Action* action) {
  CLI::App* admin = app.add_subcommand("admin", "Manage users, organisations and API keys");
  admin->require_subcommand(1);

  // create-user
  {
    auto flags = std::make_shared<CommonFlags>();
    auto username = std::make_shared<std::string>();
    auto role = std::make_shared<std::string>();
    auto org = std::make_shared<std::string>();
    auto password = std::make_shared<std::string>();
    auto display = std::make_shared<std::string>();
    CLI::App* sub = admin->add_subcommand(
        "create-user", "Create a portal user; prints the password when it is generated");
    AddCommon(sub, flags.get());
    sub->add_option("--username", *username, "Login name")->required();
    sub->add_option("--role", *role,
                    "citizen, business, carrier, app, data_controller, analyst or admin")
        ->required();
    sub->add_option("--org", *org, "Organisation (created if missing; not for citizen/admin)");
    sub->add_option("--password", *password, "Password (default: generated and printed once)");
    sub->add_option("--display-name", *display, "Name shown in the portal");
    sub->final_callback([=] {
      *action = [=]() -> int {
        auto r = RoleFromFlag(*role);
        if (!r) return Fail(r.status());
        auto o = Open(*flags);
        if (!o) return Fail(o.status());
        if (Status s = EnsureOrg(*o->accounts, *r, *org); !s.ok()) return Fail(s);
        const bool generated = password->empty();
        const std::string pw = generated ? RandomToken(12) : *password;
        auto user = o->accounts->CreateUser(*username, pw, *r, *org, *display);
        if (!user) return Fail(user.status());
        (void)o->accounts->Audit(ShellActor(), "user.create", "user:" + user->username,
                                 "role=" + std::string(Name(*r)), "local");
        if (generated) std::cout << pw << "\n";
        std::cerr << "quell: created user '" << user->username << "' (" << Name(*r) << ")\n";
        return kExitOk;
      };
    });
  }

  // create-key
  {
    auto flags = std::make_shared<CommonFlags>();
    auto role = std::make_shared<std::string>();
    auto org = std::make_shared<std::string>();
    auto label = std::make_shared<std::string>();
    auto rate = std::make_shared<double>(0);
    auto burst = std::make_shared<int64_t>(0);
    CLI::App* sub = admin->add_subcommand(
        "create-key", "Create an API key; prints only the key on standard output (shown once)");
    AddCommon(sub, flags.get());
    sub->add_option("--role", *role, "carrier, app, business, data_controller or analyst")
        ->required();
    sub->add_option("--org", *org, "Organisation the key acts for (created if missing)")
        ->required();
    sub->add_option("--label", *label, "What the key is for");
    sub->add_option("--rate", *rate,
                    "Requests per second (token bucket refill; default from config)");
    sub->add_option("--burst", *burst, "Token bucket size (default from config)");
    sub->final_callback([=] {
      *action = [=]() -> int {
        auto r = RoleFromFlag(*role);
        if (!r) return Fail(r.status());
        auto o = Open(*flags);
        if (!o) return Fail(o.status());
        if (Status s = EnsureOrg(*o->accounts, *r, *org); !s.ok()) return Fail(s);
        auto key = o->accounts->CreateApiKey(*r, *org, *label, *rate, *burst);
        if (!key) return Fail(key.status());
        (void)o->accounts->Audit(ShellActor(), "key.create", "key:" + key->prefix,
                                 "role=" + std::string(Name(*r)) + " org=" + *org, "local");
        std::cout << key->key << "\n";
        return kExitOk;
      };
    });
  }

  // create-org
  {
    auto flags = std::make_shared<CommonFlags>();
    auto name = std::make_shared<std::string>();
    auto kind = std::make_shared<std::string>();
    CLI::App* sub = admin->add_subcommand("create-org", "Create an organisation");
    AddCommon(sub, flags.get());
    sub->add_option("--name", *name, "Organisation name")->required();
    sub->add_option("--kind", *kind, "carrier, business, app_vendor, agency or data_controller")
        ->required();
    sub->final_callback([=] {
      *action = [=]() -> int {
        auto k = ParseOrgKind(*kind);
        if (!k) return Fail(InvalidArgument("'" + *kind + "' is not an organisation kind"));
        auto o = Open(*flags);
        if (!o) return Fail(o.status());
        auto org = o->accounts->CreateOrganisation(*name, *k);
        if (!org) return Fail(org.status());
        (void)o->accounts->Audit(ShellActor(), "org.create", "org:" + std::to_string(org->id),
                                 *name, "local");
        std::cout << org->id << "\n";
        return kExitOk;
      };
    });
  }

  // set-password
  {
    auto flags = std::make_shared<CommonFlags>();
    auto username = std::make_shared<std::string>();
    auto password = std::make_shared<std::string>();
    CLI::App* sub = admin->add_subcommand(
        "set-password", "Set a user's password (ends their sessions); prints it when generated");
    AddCommon(sub, flags.get());
    sub->add_option("--username", *username, "Login name")->required();
    sub->add_option("--password", *password, "New password (default: generated and printed once)");
    sub->final_callback([=] {
      *action = [=]() -> int {
        auto o = Open(*flags);
        if (!o) return Fail(o.status());
        const bool generated = password->empty();
        const std::string pw = generated ? RandomToken(12) : *password;
        if (Status s = o->accounts->SetPassword(*username, pw); !s.ok()) return Fail(s);
        (void)o->accounts->Audit(ShellActor(), "user.set_password", "user:" + *username, "",
                                 "local");
        if (generated) std::cout << pw << "\n";
        return kExitOk;
      };
    });
  }

  // disable-user
  {
    auto flags = std::make_shared<CommonFlags>();
    auto username = std::make_shared<std::string>();
    auto enable = std::make_shared<bool>(false);
    CLI::App* sub = admin->add_subcommand(
        "disable-user", "Disable a user (ending their sessions), or re-enable with --enable");
    AddCommon(sub, flags.get());
    sub->add_option("--username", *username, "Login name")->required();
    sub->add_flag("--enable", *enable, "Re-enable instead");
    sub->final_callback([=] {
      *action = [=]() -> int {
        auto o = Open(*flags);
        if (!o) return Fail(o.status());
        if (Status s = o->accounts->SetUserDisabled(*username, !*enable); !s.ok()) return Fail(s);
        (void)o->accounts->Audit(ShellActor(), "user.update", "user:" + *username,
                                 *enable ? "enabled" : "disabled", "local");
        return kExitOk;
      };
    });
  }

  // list-keys
  {
    auto flags = std::make_shared<CommonFlags>();
    CLI::App* sub = admin->add_subcommand("list-keys", "List API keys (never their secrets)");
    AddCommon(sub, flags.get());
    sub->final_callback([=] {
      *action = [=]() -> int {
        auto o = Open(*flags);
        if (!o) return Fail(o.status());
        auto keys = o->accounts->ListApiKeys();
        if (!keys) return Fail(keys.status());
        for (const auto& k : *keys) {
          std::cout << k.id << "\t" << k.prefix << "\t" << Name(k.role) << "\t" << k.org_name
                    << "\t" << (k.revoked_at ? "revoked" : "active") << "\t" << k.uses << "\t"
                    << k.label << "\n";
        }
        return kExitOk;
      };
    });
  }

  // revoke-key
  {
    auto flags = std::make_shared<CommonFlags>();
    auto id = std::make_shared<int64_t>(0);
    CLI::App* sub = admin->add_subcommand("revoke-key", "Revoke an API key by id");
    AddCommon(sub, flags.get());
    sub->add_option("id", *id, "Key id (from list-keys)")->required();
    sub->final_callback([=] {
      *action = [=]() -> int {
        auto o = Open(*flags);
        if (!o) return Fail(o.status());
        if (Status s = o->accounts->RevokeApiKey(*id); !s.ok()) return Fail(s);
        (void)o->accounts->Audit(ShellActor(), "key.revoke", "key:" + std::to_string(*id), "",
                                 "local");
        return kExitOk;
      };
    });
  }
}

}  // namespace quell::cli
