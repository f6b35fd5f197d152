"""A USAspending-like Prime Award Summaries CSV: the real 286-column header, one award per row.

Rows look like a DHS/DOJ download: heavy-tailed recipients (some with a
parent company), a handful of sub-agencies and their offices, unique PIIDs
and award keys, amounts with and without decimals, ISO dates, permalinks, and
the usual codes and yes/no flags in the columns the loader does not read.
The seed is fixed, so a file of the same size is the same file.
"""
from __future__ import annotations

import csv
import random
from itertools import accumulate
from pathlib import Path

from benchmarks.synthetic import FIRST, SECOND, SUB_AGENCIES, SUFFIX
from loaders.usaspending_columns import AWARD_COLUMNS

DEPARTMENT = {"ice": "070", "cbp": "070", "uscis": "070", "tsa": "070", "fema": "070", "fbi": "015", "dea": "015"}
DEPARTMENT_NAMES = {"070": "Department of Homeland Security", "015": "Department of Justice"}
DESCRIPTIONS = ("IT SUPPORT SERVICES", "DETENTION BED SPACE", "LICENSE PLATE READER DATA ACCESS", "CLOUD HOSTING",
                "INVESTIGATIVE CASE MANAGEMENT (ICM) SYSTEM O&M", "FALCON-SA SOFTWARE MAINTENANCE",
                "BIOMETRIC SCANNERS", "TRANSPORTATION OF DETAINEES", "GUARD SERVICES", "SOFTWARE LICENSES",
                "DATA ANALYTICS SUBSCRIPTION", "TELECOMMUNICATIONS", "TRAINING SERVICES", "BODY WORN CAMERAS")
FLAGS = [c for c in AWARD_COLUMNS if c.endswith(("_business", "_firm", "_government", "_institution", "_college",
                                                  "_organization", "_corporation"))]


def write(path: Path, rows: int, seed: int = 6) -> Path:
    """Write `rows` award rows to `path` (UTF-8 with BOM, as the site serves them)."""
    rng = random.Random(seed)
    subs = list(DEPARTMENT)
    offices = [(sub, f"70{sub[:2].upper()}{n:02d}", f"{sub.upper()} {rng.choice(SECOND).upper()} OFFICE {n}")
               for n in range(max(4, rows // 5000)) for sub in [rng.choice(subs)]]
    companies = []
    for n in range(max(10, rows // 12)):
        name = f"{rng.choice(FIRST)} {rng.choice(SECOND)} {rng.choice(SECOND)} {rng.choice(SUFFIX)}".upper()
        companies.append((f"{n:07d}{rng.randrange(36 ** 5):05X}"[:12], name))
    parents = companies[:max(3, len(companies) // 50)]
    weights = list(accumulate(1.0 / (r ** 1.1) for r in range(1, len(companies) + 1)))
    office_weights = list(accumulate(1.0 / (r ** 0.9) for r in range(1, len(offices) + 1)))
    blank = dict.fromkeys(AWARD_COLUMNS, "")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(AWARD_COLUMNS)
        recipients = rng.choices(companies, cum_weights=weights, k=rows)
        awarders = rng.choices(offices, cum_weights=office_weights, k=rows)
        for n, ((uei, name), (sub, code, office)) in enumerate(zip(recipients, awarders)):
            year = rng.randint(2008, 2025)
            piid = f"{code}{year % 100:02d}{rng.choice('CDFP')}{n:08d}"
            key = f"CONT_AWD_{piid}_{code[:4]}_-NONE-_-NONE-"
            parent_uei, parent_name = rng.choice(parents) if rng.random() < 0.3 else (uei, name)
            amount = rng.lognormvariate(11.5, 2.0)
            start = f"{year - 1}-{rng.randint(10, 12)}-{rng.randint(10, 28)}"
            dept = DEPARTMENT[sub]
            row = {**blank, **{flag: rng.choice("ft") for flag in FLAGS[:40]}}
            row.update({
                "contract_award_unique_key": key, "award_id_piid": piid, "total_obligated_amount": f"{amount:.2f}",
                "current_total_value_of_award": f"{amount:.2f}", "potential_total_value_of_award": f"{amount * 2:.0f}",
                "award_base_action_date": start, "award_base_action_date_fiscal_year": str(year),
                "award_latest_action_date": f"{year}-06-30", "award_latest_action_date_fiscal_year": str(year),
                "period_of_performance_start_date": start, "period_of_performance_current_end_date": f"{year + 1}-09-30",
                "awarding_agency_code": dept, "awarding_agency_name": DEPARTMENT_NAMES[dept],
                "awarding_sub_agency_code": code[:4], "awarding_sub_agency_name": SUB_AGENCIES[sub],
                "awarding_office_code": code, "awarding_office_name": office, "funding_agency_code": dept,
                "funding_agency_name": DEPARTMENT_NAMES[dept], "funding_sub_agency_code": code[:4],
                "funding_sub_agency_name": SUB_AGENCIES[sub], "recipient_uei": uei, "recipient_name": name,
                "recipient_name_raw": name, "recipient_parent_uei": parent_uei, "recipient_parent_name": parent_name,
                "recipient_country_code": "USA", "recipient_country_name": "UNITED STATES",
                "recipient_city_name": "ARLINGTON", "recipient_state_code": "VA", "recipient_state_name": "VIRGINIA",
                "recipient_zip_4_code": f"22{rng.randint(100, 999)}{rng.randint(1000, 9999)}",
                "primary_place_of_performance_country_code": "USA", "award_type_code": "C",
                "award_type": "DELIVERY ORDER", "prime_award_base_transaction_description": rng.choice(DESCRIPTIONS),
                "product_or_service_code": f"D3{rng.randint(10, 99)}",
                "product_or_service_code_description": "IT AND TELECOM- SYSTEMS DEVELOPMENT",
                "naics_code": str(rng.choice((541511, 541512, 561612, 541519))),
                "naics_description": "CUSTOM COMPUTER PROGRAMMING SERVICES", "number_of_actions": "1",
                "usaspending_permalink": f"https://www.usaspending.gov/award/{key}/",
                "last_modified_date": f"{year + 1}-01-0{rng.randint(1, 9)} 10:11:12",
            })
            writer.writerow(row.values())
    return path
