// DESIGN.md's fault-kind table, row for row, as the oracle of the tests that check the
// defaults (fault kinds, severities, responsibility matrix). Test-only.
#pragma once

namespace wm::devices::design_oracle {

struct DesignRow {
  const char* kind;
  const char* severity;
  const char* school;
  const char* community;
  const char* mall;
};

constexpr DesignRow kDesignTable[] = {
    {"water_quality", "P1", "operator", "operator", "operator"},
    {"leak", "P1", "operator", "operator", "operator"},
    {"site_power_outage", "P1", "property", "property", "property"},
    {"water_supply", "P2", "property", "property", "property"},
    {"device_offline", "P2", "operator", "operator", "operator"},
    {"dispense_failure", "P2", "operator", "operator", "operator"},
    {"pump_fault", "P2", "operator", "operator", "operator"},
    {"uv_fault", "P2", "operator", "operator", "operator"},
    {"heater_fault", "P3", "operator", "operator", "operator"},
    {"card_reader_fault", "P3", "operator", "operator", "operator"},
    {"filter_clogging", "P3", "operator", "operator", "operator"},
    {"membrane_degradation", "P3", "operator", "operator", "operator"},
    {"tamper", "P3", "property", "property", "property"},
    {"cleaning_due", "P4", "operator", "property", "property"},
    {"card_service", "P4", "property", "operator", "operator"},
    {"refund_dispute", "P3", "operator", "property", "property"},
};

}  // namespace wm::devices::design_oracle
