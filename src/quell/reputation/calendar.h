// WorkingCalendar: working days for service clocks (complaint cases must be
// forwarded within 3 working days, answered within 15): weekends and public
// holidays are not working days, and make-up working days (调休) on a weekend
// are. Built in: China's public holidays and make-up days as the State Council
// announced them; more from quell.toml.
#pragma once
