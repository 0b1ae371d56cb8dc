"""A deterministic demo warehouse that looks like the Assembly's real life.

`generate()` makes every row from a fixed random seed and fixed dates: the same output on
every machine, in every process, on every day. Nothing in it is real: the GitHub logins are
made up (adjective-animal style), people without a login are keyed from made-up addresses
that are used only to compute their key, and the projects, repositories and commits are
invented, though shaped like the Assembly's work (team histories through NHSX and NHS
Digital, projects moving along the R&D-to-operational pathway, shared libraries, bots).

`build_demo(path)` writes it into a warehouse file through the same loader as live data.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
from pathlib import Path

from etl import pipeline, warehouse
from etl.shared import identity
from etl.warehouse import load

DEMO_AS_OF = dt.datetime(2026, 9, 30, 17, 0)
DEMO_SALT = "assembly-insights-demo"
DEMO_SEED = 20260930

#: Commits span exactly the three years up to the snapshot.
COMMITS_FROM = dt.date(2023, 10, 1)
COMMITS_TO = DEMO_AS_OF.date()

#: Tables written with load.save_rows, in an order that keeps foreign keys satisfied.
TABLES = ("teams", "team_history", "people", "memberships", "person_aliases", "repositories", "repo_languages",
          "dependencies", "repo_packages", "commits", "commit_coauthors", "releases")
PROJECT_TABLES = ("projects", "project_stages", "project_teams", "project_tags", "project_repos", "project_outputs")

_D = dt.date.fromisoformat
_STAGE_ORDER = [s[0] for s in warehouse.STAGES]

# ---------------------------------------------------------------------------------------
# Teams and their dated history

NHSX, NHSE, NHSD = "NHSX", "NHS England", "NHS Digital"
TD = "Transformation Directorate"

# team_id: (short_name, description, [(valid_from, name, directorate, organisation, event)], ended_on, successor)
TEAMS = {
    "ai-skunkworks": (
        "AI Skunkworks",
        "Runs short, practical proof-of-concept projects that test whether AI can help with a problem put forward by NHS staff.",
        [("2019-10-01", "AI Lab Skunkworks", "NHS AI Lab", NHSX, "formed"),
         ("2022-02-01", "AI Skunkworks", TD, NHSE, "moved")],
        None, None),
    "ai-imaging": (
        "AI Imaging",
        "Builds and validates AI for medical imaging, including national imaging data collections and independent model validation.",
        [("2020-04-01", "AI Lab Imaging", "NHS AI Lab", NHSX, "formed"),
         ("2022-02-01", "AI Imaging", TD, NHSE, "moved")],
        None, None),
    "analytics-unit": (
        "Analytics Unit",
        "Forecasting, simulation and operational research for planning and performance of NHS services.",
        [("2019-07-01", "NHSX Analytics Unit", "Analytics", NHSX, "formed"),
         ("2022-02-01", "Analytics Unit", TD, NHSE, "moved"),
         ("2024-04-01", "Analytics Unit", "Data and Analytics", NHSE, "moved")],
        None, None),
    "data-science-hub": (
        "DS Hub",
        "Central data science team: shared tools, reproducible analytical pipelines, open statistics and the Assembly's community of practice.",
        [("2021-01-04", "Data Science Team", "Data and Analytics", NHSE, "formed"),
         ("2023-07-01", "Data Science Hub", "Data and Analytics", NHSE, "renamed")],
        None, None),
    "patient-safety": (
        "Patient Safety",
        "Data science for the national patient safety programme: incident text, safety signals and learning from deaths.",
        [("2021-09-01", "Patient Safety Data Science", "Medical Directorate", NHSE, "formed")],
        None, None),
    "nhsd-data-science": (
        "DS Service",
        "The data science team of the former NHS Digital: national data sets, record linkage, data quality and statistical products.",
        [("2018-04-03", "NHS Digital Data Science", "Data and Analytics", NHSD, "formed"),
         ("2023-02-01", "Data Science Service", "Data and Analytics", NHSE, "merged")],
        None, None),
    "dc-london": (
        "DC London",
        "Regional analytics for direct commissioning of specialised services in London.",
        [("2021-04-01", "Direct Commissioning London", "London Region", NHSE, "formed")],
        None, None),
    "covid-analytics": (
        "COVID Cell",
        "Pandemic response analytics: bed demand, vaccine uptake and long COVID services. Its work passed to the Data Science Hub.",
        [("2020-03-23", "COVID-19 Analytics Cell", "Analytics", NHSX, "formed"),
         ("2022-02-01", "COVID-19 Analytics Cell", TD, NHSE, "moved"),
         ("2023-07-01", "COVID-19 Analytics Cell", TD, NHSE, "ended")],
        "2023-07-01", "data-science-hub"),
}

# ---------------------------------------------------------------------------------------
# People plan: (team, members, of whom joined during the commit window)

TEAM_PLAN = [
    ("ai-skunkworks", 9, 2),
    ("ai-imaging", 7, 1),
    ("analytics-unit", 8, 2),
    ("data-science-hub", 11, 3),
    ("patient-safety", 7, 2),
    ("nhsd-data-science", 10, 1),
    ("dc-london", 4, 1),
    ("covid-analytics", 4, 0),
]
# People known only by a work address (commits from machines not linked to GitHub).
NO_LOGIN = [("nhsd-data-science", 4), ("dc-london", 2), ("patient-safety", 1), ("analytics-unit", 1)]
# One-off moves between teams (besides the COVID cell's staff moving to the Hub when it ended).
MOVES = [("analytics-unit", "data-science-hub"), ("ai-skunkworks", "ai-imaging"),
         ("nhsd-data-science", "data-science-hub"), ("nhsd-data-science", "patient-safety"),
         ("patient-safety", "ai-skunkworks"), ("dc-london", "analytics-unit"),
         ("ai-imaging", "ai-skunkworks")]
LEAVERS = 6
BOTS = ["dependabot[bot]", "github-actions[bot]", "pre-commit-ci[bot]"]

_ADJECTIVES = ["quiet", "azure", "brisk", "calm", "clever", "coral", "dapper", "eager", "fuzzy", "gentle",
               "hazy", "jolly", "keen", "lunar", "mellow", "foggy", "nimble", "oaken", "plucky", "rapid",
               "rustic", "pebbly", "silver", "snowy", "sunlit", "teal", "tidy", "urban", "vivid", "witty",
               "woolly", "zesty", "bold", "cosy", "dusky", "frosty", "golden", "humble", "icy", "lucky"]
_ANIMALS = ["otter", "badger", "heron", "puffin", "hedgehog", "wren", "kestrel", "marten", "newt", "vole",
            "stoat", "curlew", "plover", "lynx", "hare", "dunlin", "dormouse", "osprey", "gannet", "weasel",
            "finch", "avocet", "bittern", "shrew", "pika", "tern", "ibis", "gecko", "lemur", "narwhal",
            "walrus", "quokka", "panda", "koala", "bison", "moose", "yak", "okapi", "tapir", "wombat"]

# ---------------------------------------------------------------------------------------
# Projects and their repositories.
# repos: (full_name, kind, description, stage at which it was created[, extras])

PROJECTS = [
    # --- AI Skunkworks
    dict(id="synthetic-ae-data", title="Synthetic A&E data generator",
         summary="Generates realistic synthetic A&E attendance records so analysts can build and share code without patient data.",
         description="A generative model trained on pseudonymised A&E attendances produces record-level synthetic data with "
                     "realistic arrival patterns, acuity and outcomes. Fidelity and disclosure-risk tests run on every release. "
                     "The synthetic data set is now published quarterly by the data services team.",
         lead="ai-skunkworks", partners=["nhsd-data-science"], origin="call for ideas", work_area="urgent and emergency care",
         domain=["urgent and emergency care"], technique=["synthetic data", "generative models", "differential privacy"],
         data_type=["tabular"], data_access="pseudonymised", owner="NHS England Data Services",
         stages="idea 2020-02-03, discovery 2020-04-14, proof_of_concept 2020-09-01, pilot 2021-05-10, operational 2022-10-03",
         repos=[("nhsx/synthetic-ae-data", "ml", "Generator of synthetic A&E attendance records", "discovery", {"actions": "weekly"}),
                ("nhsx/synthetic-ae-validation", "ml", "Fidelity, utility and disclosure-risk tests for synthetic A&E data", "pilot"),
                ("nhsengland/synthetic-ae-docs", "docs", "Documentation site for the synthetic A&E data set", "operational")]),
    dict(id="llm-complaints-summarisation", title="LLM summarisation of patient complaints",
         summary="Tests whether large language models can draft accurate summaries of complaint letters for triage teams.",
         description="Complaint letters are long and varied; triage staff spend hours reading them before routing. The project "
                     "compares open and commercial language models on summary accuracy, omission of key facts and tone, with "
                     "redaction of identifiers before any text leaves the secure environment. A pilot runs with two trusts.",
         lead="ai-skunkworks", partners=["patient-safety"], origin="partner request", work_area="patient experience",
         domain=["patient experience"], technique=["large language models", "summarisation", "nlp"], data_type=["free text"],
         data_access="pseudonymised",
         stages="idea 2024-01-15, discovery 2024-03-04, proof_of_concept 2024-07-01, pilot 2025-05-12",
         repos=[("nhsx/complaints-summariser", "nlp", "Summarise complaint letters with large language models", "discovery"),
                ("nhsx/complaints-llm-eval", "nlp", "Evaluation of complaint summaries: factual consistency and omissions", "proof_of_concept"),
                ("nhsx/complaints-redaction", "nlp", "Redaction of names and identifiers in free text before model use", "proof_of_concept")]),
    dict(id="clinical-letters-ner", title="Named entity recognition for clinical letters",
         summary="Extracts diagnoses, medications and procedures from outpatient letters into coded form.",
         description="A transformer model fine-tuned on annotated outpatient letters finds diagnoses, medications and procedures "
                     "and maps them to SNOMED CT. The pilot met its accuracy target but was paused while the hosting trust "
                     "replaces its electronic patient record system.",
         lead="ai-skunkworks", partners=[], origin="call for ideas", work_area="clinical coding",
         domain=["outpatients", "clinical coding"], technique=["nlp", "named entity recognition", "transformers"],
         data_type=["free text"], data_access="patient identifiable",
         stages="discovery 2022-03-07, proof_of_concept 2022-10-03, pilot 2023-09-04, paused 2025-03-31",
         repos=[("nhsx/clinical-letters-ner", "nlp", "Named entity recognition and SNOMED CT linking for clinical letters", "discovery"),
                ("nhsx/ner-annotation-tool", "dash_js", "Web tool for annotating entities in clinical text", "proof_of_concept")]),
    dict(id="federated-learning-pilot", title="Federated learning pilot across trusts",
         summary="Trains a shared model across several trusts without moving patient data out of any of them.",
         description="Each participating trust runs a node that trains locally and shares only model updates with a "
                     "coordinating server. The pilot compares the federated model with models trained at single sites and "
                     "documents the information governance and infrastructure needed to scale.",
         lead="ai-skunkworks", partners=["ai-imaging"], origin="national programme", work_area="data infrastructure",
         domain=["imaging", "data infrastructure"], technique=["federated learning", "deep learning"], data_type=["imaging", "tabular"],
         data_access="patient identifiable",
         stages="idea 2022-11-01, discovery 2023-01-16, proof_of_concept 2023-06-05, pilot 2024-09-02",
         repos=[("nhsx/federated-learning-pilot", "ml", "Coordinator and experiments for the federated learning pilot", "discovery"),
                ("nhsx/fl-trust-node", "ml", "Container image and configuration for a trust's federated learning node", "proof_of_concept"),
                ("nhsx/fl-results-dashboard", "dash_py", "Dashboard of federated training rounds and site-level metrics", "pilot")]),
    dict(id="ambulance-handover-forecasting", title="Ambulance handover delay forecasting",
         summary="Forecasts ambulance handover delays at emergency departments a day ahead so regions can redirect capacity.",
         description="Hourly handover times, ED occupancy and weather feed a gradient-boosted forecasting model for each "
                     "emergency department. The proof of concept tests whether day-ahead forecasts are accurate enough to "
                     "support regional ambulance coordination.",
         lead="ai-skunkworks", partners=["analytics-unit"], origin="partner request", work_area="urgent and emergency care",
         domain=["urgent and emergency care", "ambulance"], technique=["forecasting", "gradient boosting"], data_type=["time series"],
         data_access="pseudonymised",
         stages="idea 2025-10-06, discovery 2025-11-17, proof_of_concept 2026-04-20",
         repos=[("nhsx/handover-delay-forecast", "ml", "Day-ahead forecasts of ambulance handover delays by emergency department", "discovery")]),
    dict(id="llm-evaluation-harness", title="Evaluation harness for large language models in health",
         summary="A common set of tests and synthetic cases for checking language models before use in NHS settings.",
         description="Teams across the Assembly are trying language models on different tasks and each builds its own tests. "
                     "This project gathers synthetic clinical and administrative test cases and scoring methods into one "
                     "reusable harness.",
         lead="ai-skunkworks", partners=[], origin="team's own work", work_area="AI assurance",
         domain=["AI assurance"], technique=["large language models", "evaluation"], data_type=["free text"],
         data_access="synthetic",
         stages="idea 2026-01-12, discovery 2026-03-02",
         repos=[("nhsx/llm-eval-harness", "nlp", "Reusable evaluation harness and synthetic test cases for language models", "discovery")]),
    dict(id="bed-allocation-optimisation", title="Bed allocation optimisation",
         summary="Suggested ward allocations for admitted patients using predicted length of stay and ward rules.",
         description="A length-of-stay model and a constraint solver proposed bed allocations for emergency admissions. The "
                     "pilot showed modest gains and the trust adopted a commercial bed management system, so the project "
                     "was retired and its code archived.",
         lead="ai-skunkworks", partners=[], origin="call for ideas", work_area="patient flow",
         domain=["patient flow"], technique=["optimisation", "machine learning"], data_type=["tabular"],
         data_access="pseudonymised",
         stages="discovery 2020-10-05, proof_of_concept 2021-03-01, pilot 2022-01-10, retired 2024-05-31",
         repos=[("nhsx/bed-allocation", "ml", "Length-of-stay prediction and ward allocation solver", "discovery"),
                ("nhsx/bed-allocation-sim", "ml", "Discrete-event simulation to test bed allocation rules", "proof_of_concept")]),
    # --- AI Imaging
    dict(id="chest-xray-triage-validation", title="Chest X-ray triage model validation",
         summary="Independent validation of chest X-ray triage algorithms on a national imaging data collection.",
         description="Vendors' chest X-ray triage models are tested on held-out images from many sites and scanners, with "
                     "results broken down by age, sex, ethnicity and scanner type. The validation service is now used "
                     "before procurement decisions.",
         lead="ai-imaging", partners=[], origin="national programme", work_area="imaging",
         domain=["imaging", "radiology"], technique=["deep learning", "model validation"], data_type=["imaging"],
         data_access="pseudonymised", owner="NHS England Imaging Programme",
         stages="discovery 2020-06-01, proof_of_concept 2020-12-07, pilot 2022-04-04, operational 2023-11-06",
         repos=[("nhsx/cxr-triage-validation", "imaging", "Validation pipeline for chest X-ray triage algorithms", "discovery"),
                ("nhsx/chest-imaging-pipeline", "imaging", "De-identification and curation pipeline for the national chest imaging collection", "discovery"),
                ("nhsx/cxr-validation-report", "r", "Subgroup performance reports for validated chest X-ray models", "pilot")]),
    dict(id="skin-lesion-evaluation", title="Skin lesion classifier evaluation",
         summary="Evaluates AI skin lesion classifiers on dermatology images from community referral pathways.",
         description="Images taken in community settings differ from the dermoscopy images most models are trained on. The "
                     "project measures sensitivity for melanoma and other cancers across skin tones and camera types and "
                     "reports where models should not be relied on.",
         lead="ai-imaging", partners=["data-science-hub"], origin="partner request", work_area="imaging",
         domain=["imaging", "dermatology", "cancer"], technique=["deep learning", "model validation", "fairness"],
         data_type=["imaging"], data_access="pseudonymised",
         stages="idea 2023-03-01, discovery 2023-05-15, proof_of_concept 2024-01-08, pilot 2025-02-03",
         repos=[("nhsx/skin-lesion-eval", "imaging", "Evaluation of skin lesion classifiers across skin tones and devices", "discovery"),
                ("nhsx/dermatology-image-qc", "imaging", "Image quality checks for dermatology photographs", "proof_of_concept"),
                ("nhsx/skin-lesion-report", "r", "Reporting of skin lesion evaluation results", "pilot")]),
    dict(id="synthetic-brain-mri", title="Synthetic brain MRI for algorithm testing",
         summary="Generates synthetic brain MRI scans with known lesions to stress-test imaging algorithms.",
         description="Diffusion models trained on open research data sets produce brain MRI volumes with controllable lesion "
                     "size and location. The synthetic scans let teams test algorithms on rare cases without patient data.",
         lead="ai-imaging", partners=[], origin="team's own work", work_area="imaging",
         domain=["imaging", "neurology"], technique=["synthetic data", "generative models", "deep learning"],
         data_type=["imaging"], data_access="synthetic",
         stages="discovery 2024-02-05, proof_of_concept 2024-10-07",
         repos=[("nhsx/synthetic-mri", "imaging", "Diffusion models for synthetic brain MRI with controllable lesions", "discovery"),
                ("nhsx/synthetic-mri-eval", "imaging", "Realism and utility metrics for synthetic MRI", "proof_of_concept")]),
    dict(id="imaging-ai-platform-evaluation", title="Imaging AI deployment platform evaluation",
         summary="Compares platforms that host imaging AI in hospital networks on integration effort, monitoring and cost.",
         description="Trusts deploying several imaging algorithms need a platform to route studies and monitor outputs. This "
                     "discovery work sets evaluation criteria and collects evidence from early-adopter sites.",
         lead="ai-imaging", partners=[], origin="national programme", work_area="imaging",
         domain=["imaging", "data infrastructure"], technique=["evaluation", "monitoring"], data_type=["imaging"],
         data_access="pseudonymised",
         stages="idea 2025-12-01, discovery 2026-02-16",
         repos=[("nhsx/ai-deployment-platform-eval", "ml", "Evaluation framework and monitoring checks for imaging AI platforms", "discovery")]),
    dict(id="fracture-detection-audit", title="Fracture detection AI post-market audit",
         summary="Proposal to audit fracture detection AI already in use in emergency departments.",
         description="Several trusts use fracture detection software. The idea is a light-touch audit comparing its outputs with "
                     "final radiology reports to spot drift after deployment.",
         lead="ai-imaging", partners=[], origin="call for ideas", work_area="imaging",
         domain=["imaging", "urgent and emergency care"], technique=["model monitoring"], data_type=["imaging"],
         data_access="pseudonymised", language=["python"],
         stages="idea 2026-06-15", repos=[]),
    # --- Analytics Unit
    dict(id="bed-occupancy-forecasting", title="Bed occupancy forecasting",
         summary="Two-week forecasts of general and acute bed occupancy for every trust, used in winter planning.",
         description="Hierarchical time-series models forecast occupancy by trust, region and nation from daily situation "
                     "reports. Forecasts are published each weekday to operational teams through a dashboard.",
         lead="analytics-unit", partners=[], origin="team's own work", work_area="operational planning",
         domain=["operational planning", "urgent and emergency care"], technique=["forecasting", "time series"],
         data_type=["time series"], data_access="open", owner="NHS England Operational Performance",
         stages="idea 2020-09-01, discovery 2020-10-12, proof_of_concept 2021-02-01, pilot 2021-09-06, operational 2022-06-01",
         repos=[("nhsx/bed-occupancy-forecast", "ml", "Hierarchical forecasts of general and acute bed occupancy", "discovery"),
                ("nhsx/bed-occupancy-dashboard", "dash_py", "Dashboard of bed occupancy forecasts for operational teams", "pilot"),
                ("nhsx/bed-occupancy-pipeline", "sql", "Daily ingest and cleaning of bed occupancy situation reports", "operational", {"actions": "weekly"})]),
    dict(id="workforce-retention-modelling", title="Workforce retention modelling",
         summary="Models which staff groups are most likely to leave and which interventions are linked with staying.",
         description="Survival models on pseudonymised workforce records estimate leaving rates by staff group, age and career "
                     "stage, and how they changed after flexible working and retention programmes.",
         lead="analytics-unit", partners=["nhsd-data-science"], origin="partner request", work_area="workforce",
         domain=["workforce"], technique=["survival analysis", "machine learning"], data_type=["tabular"],
         data_access="pseudonymised",
         stages="discovery 2023-04-03, proof_of_concept 2023-11-13, pilot 2025-01-13",
         repos=[("nhsx/workforce-retention-model", "ml", "Survival models of staff retention", "proof_of_concept"),
                ("nhsx/workforce-retention-analysis", "r", "Exploratory analysis of leaver rates by staff group", "discovery"),
                ("nhsx/workforce-retention-dashboard", "dash_py", "Retention dashboard for workforce planners", "pilot")]),
    dict(id="long-covid-demand-model", title="Long COVID service demand model",
         summary="Estimated demand for long COVID assessment services by area to guide funding allocation.",
         description="Combined infection estimates, referral data and published prevalence surveys to project referrals to "
                     "post-COVID services. Retired when the services moved into routine commissioning.",
         lead="analytics-unit", partners=["covid-analytics"], origin="national programme", work_area="public health",
         domain=["public health", "community services"], technique=["simulation", "statistical modelling"],
         data_type=["tabular"], data_access="pseudonymised", owner="Post-COVID Services Programme",
         stages="discovery 2021-04-12, proof_of_concept 2021-07-05, pilot 2022-01-10, operational 2022-09-05, retired 2024-03-28",
         repos=[("nhsx/long-covid-demand", "r", "Projected demand for post-COVID assessment services", "discovery"),
                ("nhsx/long-covid-dashboard", "dash_py", "Dashboard of projected long COVID referrals by area", "pilot")]),
    dict(id="waiting-list-simulation", title="Elective recovery waiting list simulation",
         summary="Simulates waiting lists by specialty to test how capacity plans change waits over the next two years.",
         description="A discrete-event simulation of referral-to-treatment pathways, calibrated on waiting list data, lets "
                     "planners try capacity and demand scenarios and see the effect on long waits.",
         lead="analytics-unit", partners=[], origin="national programme", work_area="elective care",
         domain=["elective care"], technique=["simulation", "operational research"], data_type=["tabular", "time series"],
         data_access="pseudonymised", owner="Elective Recovery Programme",
         stages="discovery 2022-06-06, proof_of_concept 2022-10-10, pilot 2023-05-02, operational 2024-04-08",
         repos=[("nhsx/waiting-list-sim", "lib", "Discrete-event simulation of referral-to-treatment waiting lists", "discovery"),
                ("nhsx/waiting-list-sim-app", "dash_py", "Scenario explorer for the waiting list simulation", "pilot"),
                ("nhsx/waiting-list-analysis", "r", "Calibration and validation analyses for the waiting list model", "proof_of_concept")]),
    dict(id="discharge-delay-drivers", title="Discharge delay drivers analysis",
         summary="Looks for the factors most associated with delayed discharge from acute beds.",
         description="Links discharge-ready dates with community and social care capacity to find where delays build up and "
                     "which patient groups wait longest.",
         lead="analytics-unit", partners=[], origin="team's own work", work_area="patient flow",
         domain=["patient flow", "social care"], technique=["statistical modelling"], data_type=["tabular"],
         data_access="pseudonymised",
         stages="idea 2025-10-01, discovery 2025-12-08",
         repos=[("nhsx/discharge-delays", "r", "Analysis of delayed discharges and community capacity", "discovery")]),
    # --- Data Science Hub
    dict(id="ds-toolkit", title="Data science toolkit",
         summary="Shared Python library of tested building blocks used across Assembly teams.",
         description="Common code for reading national data sets, suppressing small numbers, standard charts and model "
                     "evaluation, maintained by the Hub with contributions from other teams. Versioned releases are "
                     "used by pipelines across the Assembly.",
         lead="data-science-hub", partners=["ai-skunkworks", "nhsd-data-science", "patient-safety"],
         origin="team's own work", work_area="data infrastructure",
         domain=["data infrastructure"], technique=["software engineering", "reproducible analytical pipelines"],
         data_type=["tabular"], data_access="open", owner="NHS England Data Science Hub",
         stages="idea 2021-05-04, proof_of_concept 2021-09-06, pilot 2022-05-03, operational 2023-04-03",
         repos=[("nhsengland/ds-toolkit", "lib", "Shared Python library for NHS data science: data access, disclosure control, charts", "proof_of_concept", {"activity": 2.2}),
                ("nhsengland/ds-toolkit-docs", "docs", "Documentation and tutorials for ds-toolkit", "pilot"),
                ("nhsengland/dstoolkitr", "r", "R companion to ds-toolkit: disclosure control and NHS chart themes", "operational")]),
    dict(id="open-health-statistics-site", title="Open health statistics site",
         summary="A public website of open health statistics with interactive charts and downloadable data.",
         description="Automated pipelines build statistics from published data and the site presents them with accessible "
                     "charts and plain-language notes. Data refreshes run every night.",
         lead="data-science-hub", partners=[], origin="team's own work", work_area="open data",
         domain=["open data", "statistics"], technique=["data visualisation", "reproducible analytical pipelines"],
         data_type=["tabular"], data_access="open", owner="NHS England Statistics Unit",
         stages="discovery 2021-11-01, proof_of_concept 2022-02-07, pilot 2022-09-05, operational 2023-03-06",
         repos=[("nhsengland/open-health-stats", "dash_js", "Public website of open health statistics", "proof_of_concept", {"actions": "weekly"}),
                ("nhsengland/open-health-stats-pipeline", "sql", "Nightly pipelines that build the open health statistics", "proof_of_concept", {"actions": "daily"}),
                ("nhsengland/open-health-stats-api", "dash_py", "Read-only API serving the open health statistics", "operational")]),
    dict(id="privacy-preserving-record-linkage", title="Privacy-preserving record linkage",
         summary="Links records between data sets using encoded identifiers so that no party sees the others' identifiers.",
         description="Bloom-filter encodings and a matching service let two data holders link records without exchanging "
                     "names or NHS numbers. Linkage quality is measured against gold-standard linked data.",
         lead="data-science-hub", partners=["nhsd-data-science"], origin="team's own work", work_area="privacy",
         domain=["privacy", "data linkage"], technique=["record linkage", "privacy-enhancing technology"],
         data_type=["tabular"], data_access="pseudonymised",
         stages="idea 2023-09-04, discovery 2024-01-08, proof_of_concept 2024-11-04",
         repos=[("nhsengland/pprl-toolkit", "lib", "Privacy-preserving record linkage with Bloom filter encodings", "discovery"),
                ("nhsengland/pprl-benchmarks", "ml", "Linkage quality benchmarks against gold-standard data", "proof_of_concept"),
                ("nhsengland/pprl-demo-app", "dash_py", "Demonstration app for privacy-preserving linkage", "proof_of_concept")]),
    dict(id="automated-data-quality-checks", title="Automated data quality checks",
         summary="Rule-based and statistical data quality checks that run on every national data submission.",
         description="Checks for completeness, validity and unexpected shifts run as each submission lands and produce a "
                     "report for the data provider. The pilot covers three national collections.",
         lead="data-science-hub", partners=["nhsd-data-science"], origin="partner request", work_area="data quality",
         domain=["data quality"], technique=["anomaly detection", "reproducible analytical pipelines"],
         data_type=["tabular"], data_access="pseudonymised",
         stages="discovery 2023-02-06, proof_of_concept 2023-08-07, pilot 2024-06-03",
         repos=[("nhsengland/dq-checks", "sql", "Data quality checks for national data submissions", "discovery"),
                ("nhsengland/dq-report", "r", "Data quality reports for data providers", "proof_of_concept"),
                ("nhsengland/dq-rules-library", "lib", "Library of reusable data quality rules", "pilot")]),
    dict(id="referral-text-triage", title="Referral text triage",
         summary="Classifies free-text reasons for referral to help route referrals to the right clinic.",
         description="A text classifier suggested clinic routing from referral letters. Paused after the proof of concept "
                     "while the referral system supplier changes how text is exported.",
         lead="data-science-hub", partners=[], origin="call for ideas", work_area="elective care",
         domain=["elective care", "outpatients"], technique=["nlp", "text classification"], data_type=["free text"],
         data_access="patient identifiable",
         stages="idea 2022-08-01, discovery 2022-10-03, proof_of_concept 2023-06-12, paused 2024-10-31",
         repos=[("nhsengland/referral-text", "nlp", "Text classification of referral reasons", "discovery"),
                ("nhsengland/referral-text-labelling", "dash_py", "Labelling app for referral reasons", "proof_of_concept")]),
    dict(id="rap-maturity-assessment", title="Reproducible analytical pipelines maturity assessment",
         summary="Scores repositories against the reproducible analytical pipeline maturity levels and suggests next steps.",
         description="A command-line tool and GitHub Action check a repository for version control, tests, packaging and "
                     "documentation, and a dashboard tracks maturity across teams over time.",
         lead="data-science-hub", partners=[], origin="team's own work", work_area="data infrastructure",
         domain=["data infrastructure"], technique=["reproducible analytical pipelines", "software engineering"],
         data_type=["code"], data_access="open",
         stages="discovery 2024-04-02, proof_of_concept 2024-08-05, pilot 2025-06-02",
         repos=[("nhsengland/rap-maturity", "lib", "Score a repository against RAP maturity levels", "discovery"),
                ("nhsengland/rap-maturity-dashboard", "dash_py", "RAP maturity across Assembly repositories", "pilot"),
                ("nhsengland/rap-maturity-action", "dash_js", "GitHub Action that reports RAP maturity on pull requests", "pilot", {"topics": ["nhs", "github-action", "rap"]})]),
    dict(id="health-inequalities-explorer", title="Health inequalities explorer",
         summary="Idea for an interactive tool comparing access and outcomes by deprivation and ethnicity.",
         description="Proposed at an Assembly ideas session: one place to compare access, experience and outcome indicators "
                     "across population groups, reusing the open health statistics pipelines.",
         lead="data-science-hub", partners=[], origin="call for ideas", work_area="health inequalities",
         domain=["health inequalities"], technique=["data visualisation"], data_type=["tabular"],
         data_access="open", language=["python"],
         stages="idea 2026-03-09", repos=[]),
    # --- Patient Safety
    dict(id="incident-text-classification", title="Patient safety incident text classification",
         summary="Classifies free-text incident reports to find the most serious harm faster.",
         description="Incident reports arrive in large numbers and reviewers need to find those describing severe harm. A "
                     "transformer classifier ranks reports by likely harm and category; the pilot runs alongside manual review.",
         lead="patient-safety", partners=["ai-skunkworks"], origin="team's own work", work_area="patient safety",
         domain=["patient safety"], technique=["nlp", "text classification", "transformers"], data_type=["free text"],
         data_access="pseudonymised",
         stages="idea 2022-01-10, discovery 2022-04-04, proof_of_concept 2023-01-09, pilot 2024-02-05",
         repos=[("nhsengland/incident-text-classifier", "nlp", "Harm and category classification of patient safety incident reports", "discovery"),
                ("nhsengland/incident-taxonomy", "lib", "Incident category taxonomy and mappings", "discovery"),
                ("nhsengland/incident-classifier-api", "dash_py", "Internal API serving incident classifications to reviewers", "pilot")]),
    dict(id="medication-error-signals", title="Medication error signal detection",
         summary="Detects emerging patterns of medication errors across incident reports.",
         description="Statistical signal detection over coded and free-text incident data highlights medicines and settings "
                     "where reported errors are rising faster than expected.",
         lead="patient-safety", partners=[], origin="team's own work", work_area="patient safety",
         domain=["patient safety", "medicines"], technique=["signal detection", "statistical modelling"],
         data_type=["tabular", "free text"], data_access="pseudonymised",
         stages="idea 2025-10-20, discovery 2025-12-01, proof_of_concept 2026-05-11",
         repos=[("nhsengland/medication-signals", "ml", "Signal detection for medication error reports", "discovery"),
                ("nhsengland/medication-signals-sql", "sql", "Extracts of medication incidents for signal detection", "proof_of_concept")]),
    dict(id="sjr-text-analysis", title="Learning from deaths: structured judgement review text analysis",
         summary="Finds common themes in structured judgement reviews of deaths in hospital.",
         description="Topic models and a small annotated set found recurring care problems in review narratives. Paused while "
                     "the national review form is redesigned.",
         lead="patient-safety", partners=[], origin="partner request", work_area="patient safety",
         domain=["patient safety", "mortality"], technique=["nlp", "topic modelling"], data_type=["free text"],
         data_access="patient identifiable",
         stages="discovery 2023-03-06, proof_of_concept 2023-10-02, paused 2025-07-31",
         repos=[("nhsengland/sjr-text-analysis", "nlp", "Theme extraction from structured judgement reviews", "discovery"),
                ("nhsengland/sjr-themes-report", "r", "Reports of review themes for mortality leads", "proof_of_concept")]),
    dict(id="maternity-safety-signals", title="Maternity safety signals dashboard",
         summary="Statistical process control of maternity outcomes to flag units that need support early.",
         description="Monthly outcome measures for every maternity unit are monitored with statistical process control "
                     "charts; signals go to regional safety teams. Now run as a routine service.",
         lead="patient-safety", partners=[], origin="national programme", work_area="maternity",
         domain=["maternity", "patient safety"], technique=["statistical process control", "data visualisation"],
         data_type=["tabular", "time series"], data_access="pseudonymised", owner="National Patient Safety Team",
         stages="discovery 2021-10-04, proof_of_concept 2022-03-07, pilot 2022-11-07, operational 2023-09-04",
         repos=[("nhsengland/maternity-safety-signals", "r", "Statistical process control of maternity outcomes", "discovery"),
                ("nhsengland/maternity-signals-dashboard", "dash_py", "Dashboard of maternity safety signals for regional teams", "pilot"),
                ("nhsengland/maternity-signals-pipeline", "sql", "Monthly pipeline for maternity outcome measures", "operational")]),
    dict(id="safety-alert-impact", title="Safety alert impact evaluation",
         summary="Measures whether national patient safety alerts changed the incidents they targeted.",
         description="Interrupted time-series analyses of incident reports before and after each alert, to learn which kinds "
                     "of alert lead to lasting change.",
         lead="patient-safety", partners=[], origin="team's own work", work_area="patient safety",
         domain=["patient safety"], technique=["interrupted time series", "statistical modelling"], data_type=["time series"],
         data_access="open",
         stages="idea 2025-11-03, discovery 2026-01-19",
         repos=[("nhsengland/safety-alert-impact", "r", "Interrupted time-series evaluation of patient safety alerts", "discovery")]),
    # --- Data Science Service (former NHS Digital)
    dict(id="coding-quality-model", title="Clinical coding quality prediction",
         summary="Predicted which hospital episodes were likely to be miscoded so coders could audit them first.",
         description="A model flagged episodes whose diagnosis codes were unlikely given procedures, length of stay and "
                     "history. Retired after the national coding audit moved to a new approach.",
         lead="nhsd-data-science", partners=[], origin="team's own work", work_area="clinical coding",
         domain=["clinical coding", "data quality"], technique=["machine learning", "anomaly detection"],
         data_type=["tabular"], data_access="pseudonymised",
         stages="discovery 2019-09-02, proof_of_concept 2020-03-02, pilot 2021-01-11, retired 2023-08-31",
         repos=[("NHSDigital/coding-quality-model", "ml", "Model flagging hospital episodes likely to be miscoded", "discovery", {"no_manifest": True}),
                ("NHSDigital/coding-quality-features", "sql", "Feature extraction for the coding quality model", "proof_of_concept")]),
    dict(id="renal-capacity-planning", title="Renal capacity planning model",
         summary="Projects demand for dialysis and transplant services to plan renal unit capacity.",
         description="A cohort model of chronic kidney disease progression projects dialysis demand by unit for ten years and "
                     "tests the effect of more home dialysis and transplants.",
         lead="nhsd-data-science", partners=["dc-london"], origin="partner request", work_area="specialised services",
         domain=["specialised services", "renal"], technique=["simulation", "forecasting"], data_type=["tabular"],
         data_access="pseudonymised",
         stages="discovery 2023-06-05, proof_of_concept 2024-02-05, pilot 2025-04-07",
         repos=[("nhsengland/renal-capacity-model", "ml", "Cohort model of renal replacement therapy demand", "discovery"),
                ("nhsengland/renal-capacity-app", "dash_py", "Scenario app for renal unit capacity", "pilot"),
                ("nhsengland/renal-activity-extract", "sql", "Renal activity extracts for the capacity model", "discovery")]),
    dict(id="gp-appointments-forecast", title="GP appointments demand forecast",
         summary="Forecasts GP appointment demand by practice network from published appointment data.",
         description="Forecasts built from the published appointments data help primary care teams plan staffing and "
                     "extended access. Refreshed monthly with each data release.",
         lead="nhsd-data-science", partners=[], origin="team's own work", work_area="primary care",
         domain=["primary care"], technique=["forecasting", "time series"], data_type=["time series"],
         data_access="open", owner="Primary Care Analytics",
         stages="discovery 2020-07-06, proof_of_concept 2021-01-04, pilot 2021-10-04, operational 2022-07-04",
         repos=[("NHSDigital/gp-appointments-forecast", "ml", "Forecasts of GP appointment demand by network", "discovery"),
                ("NHSDigital/gp-appointments-pipeline", "sql", "Monthly pipeline for GP appointments data", "proof_of_concept", {"actions": "weekly"}),
                ("NHSDigital/gp-appointments-dashboard", "dash_py", "Dashboard of GP appointment forecasts", "pilot")]),
    dict(id="synthetic-hes", title="Synthetic Hospital Episode Statistics",
         summary="A synthetic version of hospital episode data for training, testing pipelines and onboarding analysts.",
         description="Generates synthetic admitted patient care episodes that keep realistic structure and coding patterns "
                     "without representing real people. Utility and disclosure tests accompany every release.",
         lead="nhsd-data-science", partners=["ai-skunkworks"], origin="team's own work", work_area="data infrastructure",
         domain=["secondary care", "data infrastructure"], technique=["synthetic data", "generative models"],
         data_type=["tabular"], data_access="pseudonymised",
         stages="idea 2022-09-05, discovery 2022-12-05, proof_of_concept 2023-10-02",
         repos=[("NHSDigital/synthetic-hes", "ml", "Generator of synthetic hospital episode records", "discovery"),
                ("nhsengland/synthetic-hes-evaluation", "r", "Utility and disclosure evaluation of synthetic episodes", "proof_of_concept"),
                ("nhsengland/synthetic-hes-docs", "docs", "User guide for the synthetic hospital episode data", "proof_of_concept")]),
    dict(id="mh-semantic-search", title="Semantic search for mental health services data",
         summary="Idea: let analysts search mental health data set metadata in plain language.",
         description="Embeddings of data dictionary entries and past analyses could help analysts find the right fields and "
                     "prior work. An exploratory notebook tests the idea on the published data dictionary.",
         lead="nhsd-data-science", partners=[], origin="call for ideas", work_area="mental health",
         domain=["mental health", "metadata"], technique=["semantic search", "embeddings"], data_type=["free text"],
         data_access="open",
         stages="idea 2025-12-15",
         repos=[("nhsengland/mh-semantic-search", "nlp", "Exploratory semantic search over data dictionary entries", "idea", {"no_manifest": True})]),
    dict(id="smoking-cessation-linkage", title="Smoking cessation outcomes linkage",
         summary="Linked stop smoking service records with hospital data to measure outcomes after quitting.",
         description="Linked service and hospital records to compare admissions of people who quit with those who did not. "
                     "Results were published and the pipeline retired.",
         lead="nhsd-data-science", partners=[], origin="partner request", work_area="public health",
         domain=["public health", "prevention"], technique=["record linkage", "statistical modelling"],
         data_type=["tabular"], data_access="pseudonymised",
         stages="discovery 2021-02-01, proof_of_concept 2021-08-02, pilot 2022-05-03, retired 2024-09-30",
         repos=[("NHSDigital/smoking-cessation-linkage", "sql", "Linkage of stop smoking service and hospital records", "discovery"),
                ("NHSDigital/smoking-cessation-outcomes", "r", "Outcome analyses after quitting smoking", "proof_of_concept")]),
    # --- Direct Commissioning London
    dict(id="specialised-services-demand", title="Specialised services demand forecasting for London",
         summary="Forecasts activity and spend for specialised services commissioned in London.",
         description="Forecasts by service line and provider feed commissioning intentions and contract negotiations.",
         lead="dc-london", partners=["analytics-unit"], origin="team's own work", work_area="specialised services",
         domain=["specialised services", "commissioning"], technique=["forecasting", "time series"],
         data_type=["tabular", "time series"], data_access="pseudonymised",
         stages="discovery 2023-01-09, proof_of_concept 2023-07-03, pilot 2024-11-04",
         repos=[("nhsengland/dc-london-demand", "r", "Forecasts of specialised services activity in London", "discovery"),
                ("nhsengland/dc-london-demand-pipeline", "sql", "Contract monitoring extracts for the London demand model", "discovery"),
                ("nhsengland/dc-london-demand-app", "dash_py", "Commissioner view of London demand forecasts", "pilot")]),
    dict(id="chemo-capacity", title="Chemotherapy chair capacity model",
         summary="Simulates chemotherapy day unit capacity to plan chairs and staffing.",
         description="A simulation of chemotherapy regimens and chair time estimates the capacity needed as new treatments "
                     "arrive.",
         lead="dc-london", partners=[], origin="partner request", work_area="cancer",
         domain=["cancer", "specialised services"], technique=["simulation", "operational research"],
         data_type=["tabular"], data_access="pseudonymised",
         stages="idea 2024-05-07, discovery 2024-07-01, proof_of_concept 2025-03-03",
         repos=[("nhsengland/chemo-capacity-sim", "ml", "Simulation of chemotherapy day unit capacity", "discovery"),
                ("nhsengland/chemo-capacity-analysis", "r", "Regimen and chair-time analysis", "discovery")]),
    dict(id="prep-uptake-equity", title="PrEP uptake equity analysis",
         summary="Examines who is and is not reached by HIV pre-exposure prophylaxis services in London.",
         description="Compares PrEP uptake with estimated need by area and population group to inform outreach.",
         lead="dc-london", partners=[], origin="team's own work", work_area="sexual health",
         domain=["sexual health", "health inequalities"], technique=["statistical modelling"], data_type=["tabular"],
         data_access="pseudonymised",
         stages="idea 2026-02-02, discovery 2026-05-05",
         repos=[("nhsengland/prep-uptake-equity", "r", "Analysis of PrEP uptake against estimated need", "discovery")]),
    # --- COVID-19 Analytics Cell (ended 2023)
    dict(id="covid-bed-demand", title="COVID-19 bed demand model",
         summary="Projected hospital and critical care bed demand from COVID-19 during the pandemic.",
         description="Admissions and length-of-stay models projected bed demand for each region during the pandemic waves. "
                     "Retired in 2022; the repository was archived after a final tidy-up.",
         lead="covid-analytics", partners=[], origin="national programme", work_area="pandemic response",
         domain=["pandemic response", "critical care"], technique=["forecasting", "simulation"], data_type=["time series"],
         data_access="pseudonymised", owner="COVID-19 Operations Centre",
         stages="discovery 2020-03-30, proof_of_concept 2020-04-13, operational 2020-05-04, retired 2022-03-31",
         repos=[("nhsx/covid-bed-demand", "ml", "Projections of COVID-19 bed and critical care demand", "discovery", {"no_manifest": True}),
                ("nhsx/covid-bed-demand-dashboard", "dash_py", "Regional dashboard of COVID-19 bed demand projections", "operational")]),
    dict(id="vaccine-uptake-dashboard", title="COVID-19 vaccine uptake equity dashboard",
         summary="Showed vaccine uptake by area and population group to target outreach.",
         description="Daily uptake figures by area, age, ethnicity and deprivation helped local teams target outreach. "
                     "Retired when the vaccination programme moved to seasonal campaigns.",
         lead="covid-analytics", partners=[], origin="national programme", work_area="pandemic response",
         domain=["pandemic response", "health inequalities"], technique=["data visualisation"], data_type=["tabular"],
         data_access="pseudonymised", owner="Vaccination Programme",
         stages="discovery 2020-12-07, pilot 2021-01-11, operational 2021-02-01, retired 2022-09-30",
         repos=[("nhsx/vaccine-uptake-dashboard", "dash_js", "Dashboard of COVID-19 vaccine uptake by population group", "discovery")]),
]

# Repositories that belong to no project: (full_name, team_id, kind, description, created, last activity, archived, extras)
UNLINKED = [
    ("nhsengland/datascience", "data-science-hub", "docs", "Website of the NHS England Data Science Hub", "2021-02-01", None, False, {}),
    ("nhsx/skunkworks-website", "ai-skunkworks", "docs", "Website of AI Skunkworks projects and case studies", "2021-03-15", None, False, {}),
    ("nhsengland/ds-project-template", "data-science-hub", "lib", "Cookiecutter template for new Python data science projects", "2022-01-10", None, False, {}),
    ("nhsengland/r-project-template", "data-science-hub", "r", "Template for new R analysis projects with renv and targets", "2022-06-13", None, False, {}),
    ("NHSDigital/ds-onboarding-guide", "nhsd-data-science", "docs", "Onboarding guide for new data scientists", "2020-09-07", None, False, {}),
    ("NHSDigital/sql-snippets", "nhsd-data-science", "sql", "Reusable SQL for national data sets", "2019-05-13", None, False, {}),
    ("nhsx/imaging-ai-tutorials", "ai-imaging", "notebooks", "Tutorials on medical imaging AI with open data", "2021-06-07", None, False, {}),
    ("nhsx/monai", "ai-imaging", "imaging", "Fork of an open-source medical imaging AI framework", "2022-02-10", "2025-06-30", False, {"fork": True}),
    ("nhsengland/synthea", None, "java", "Fork of a synthetic patient generator with UK configuration", "2023-11-06", "2024-09-27", False, {"fork": True}),
    ("nhsengland/hackathon-2024-notebooks", None, "notebooks", "Notebooks from the Assembly hackathon, March 2024", "2024-03-11", "2024-05-17", True, {}),
    ("nhsengland/ds-assembly-talks", None, "docs", "Slides and recordings index from Assembly show-and-tell sessions", "2023-10-10", None, False, {}),
    ("nhsengland/dc-london-sql-library", "dc-london", "sql", "Shared SQL for London specialised commissioning data", "2021-06-01", None, False, {}),
    ("nhsengland/ps-data-dictionary", "patient-safety", "docs", "Data dictionary for patient safety data sets", "2022-02-14", None, False, {}),
    ("nhsx/au-reporting-templates", "analytics-unit", "r", "R Markdown templates for Analytics Unit reports", "2020-01-13", None, False, {}),
]

# ---------------------------------------------------------------------------------------
# Languages and dependencies per kind of repository

_PY_KINDS = ("ml", "nlp", "imaging", "lib", "dash_py", "notebooks")

_DEPS = {
    "ml": ["pandas", "numpy", "scikit-learn", "matplotlib"],
    "ml_extra": ["xgboost", "lightgbm", "shap", "mlflow", "seaborn", "statsmodels", "scipy", "jupyter", "pytest",
                 "plotly", "optuna", "pyarrow", "sqlalchemy", "pyodbc", "tqdm", "pyyaml"],
    "forecast": ["prophet", "statsmodels", "sktime"],
    "sim": ["simpy", "scipy"],
    "nlp": ["pandas", "numpy", "torch", "transformers", "scikit-learn"],
    "nlp_extra": ["spacy", "nltk", "datasets", "sentence-transformers", "tokenizers", "presidio-analyzer",
                  "pytest", "accelerate", "evaluate", "gensim", "bertopic", "tqdm"],
    "llm": ["openai", "tiktoken", "langchain", "ragas"],
    "imaging": ["torch", "torchvision", "monai", "pydicom", "numpy"],
    "imaging_extra": ["opencv-python", "scikit-image", "pillow", "matplotlib", "nibabel", "simpleitk",
                      "albumentations", "pytest", "pandas", "timm", "mlflow"],
    "lib": ["pandas", "numpy", "pydantic"],
    "lib_extra": ["pytest", "sqlalchemy", "pyarrow", "matplotlib", "click", "pyyaml", "requests", "hypothesis",
                  "ruff", "mypy", "pre-commit", "polars"],
    "sql": ["pandas", "sqlalchemy", "pyodbc"],
    "sql_extra": ["great-expectations", "pytest", "pyspark", "databricks-connect", "dbt-core", "dbt-sqlserver",
                  "pyyaml", "openpyxl", "python-dotenv"],
    "dash_streamlit": ["streamlit", "plotly", "pandas"],
    "dash_dash": ["dash", "plotly", "pandas", "gunicorn"],
    "dash_api": ["fastapi", "uvicorn", "pydantic", "pandas"],
    "dash_extra": ["duckdb", "altair", "pytest", "dash-bootstrap-components", "pyarrow", "requests", "sqlalchemy"],
    "r": ["dplyr", "ggplot2", "lubridate", "tidyr"],
    "r_extra": ["tidyverse", "data.table", "rmarkdown", "knitr", "NHSRplotthedots", "janitor", "here", "odbc",
                "DBI", "readxl", "testthat", "scales", "purrr", "forecast", "fable", "targets", "shiny", "glue",
                "survival", "gt", "sf"],
    "npm": ["react", "react-dom", "d3"],
    "npm_extra": ["plotly.js", "typescript", "vite", "nhsuk-frontend", "@types/react", "eslint", "vitest",
                  "prettier", "@tanstack/react-query", "date-fns", "papaparse"],
    "mkdocs": ["mkdocs", "mkdocs-material"],
    "mkdocs_extra": ["mkdocstrings", "mkdocs-jupyter", "pymdown-extensions", "mike"],
    "eleventy": ["@11ty/eleventy", "nhsuk-frontend", "sass"],
    "conda": ["python", "pandas", "numpy", "scikit-learn", "pip", "jupyterlab"],
    "notebooks": ["pandas", "numpy", "matplotlib", "seaborn", "scikit-learn"],
}
_PY_SPECS = [">=2.0", ">=1.5,<3", "==1.3.2", "~=1.2", ">=0.4", "==2.1.4", ">=4.30", "<2.0", ">=1.24"]
# Realistic constraints for the libraries the Tech stack page follows across major versions;
# older majors linger in some repositories, as they do in any estate.
_KEY_SPECS = {
    "pandas": ["==1.3.5", ">=1.5,<2", "==2.1.4", ">=2.0", "~=2.2"],
    "numpy": ["==1.21.6", ">=1.24,<2", "==1.26.4", ">=2.0", "~=2.1"],
    "scikit-learn": ["==0.24.2", ">=1.0", "==1.3.2", "~=1.5"],
    "torch": ["==1.13.1", ">=2.0", "==2.3.1", "~=2.4"],
    "matplotlib": ["==3.5.3", ">=3.7", "~=3.8"],
    "sqlalchemy": ["==1.4.46", ">=1.4,<2", ">=2.0", "~=2.0"],
    "pydantic": ["==1.10.13", ">=1.10,<2", ">=2.0", "~=2.7"],
    "streamlit": ["==1.12.0", ">=1.30", "~=1.40"],
    "plotly": ["==4.14.3", "==5.13.1", ">=5.18", ">=6.0"],
    "transformers": ["==4.30.2", ">=4.40", "~=4.44"],
}
_R_SPECS = [">= 1.1.0", ">= 3.4.0", ">= 1.0.0", ">= 0.3.0"]
_NPM_SPECS = ["^18.2.0", "^7.8.0", "^2.27.0", "~5.4.0", "^1.6.0", "^9.0.0", "^3.0.1"]


# ---------------------------------------------------------------------------------------
# Small helpers

def _rand_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _workday(d: dt.date, backwards: bool = False) -> dt.date:
    """The date itself on a weekday; otherwise the Monday after (or the Friday before)."""
    while d.weekday() >= 5:
        d += dt.timedelta(days=-1 if backwards else 1)
    return d


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _last_sunday(year: int, month: int) -> dt.date:
    d = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
    return d - dt.timedelta(days=(d.weekday() + 1) % 7)


def _uk_to_utc(local: dt.datetime) -> dt.datetime:
    """UK local time to UTC (British Summer Time from the last Sunday of March to that of October)."""
    y = local.year
    bst = _last_sunday(y, 3) <= local.date() < _last_sunday(y, 10)
    return local - dt.timedelta(hours=1) if bst else local


_DAY_WEIGHTS = [1.0, 1.1, 1.1, 1.05, 0.8, 0.05, 0.04]  # Monday..Sunday
_HOURS = list(range(7, 23))
_HOUR_WEIGHTS = [0.3, 1.0, 2.2, 3.0, 3.0, 1.8, 2.2, 3.0, 3.0, 2.5, 1.4, 0.6, 0.35, 0.3, 0.25, 0.12]


def _season(d: dt.date) -> float:
    """Holiday dips (August, Christmas) and modest growth over the three years."""
    if (d.month == 12 and d.day >= 21) or (d.month == 1 and d.day <= 2):
        f = 0.12
    elif d.month == 12 and d.day >= 14:
        f = 0.75
    elif d.month == 8:
        f = 0.6
    elif d.month == 4 and d.day <= 14:
        f = 0.85
    else:
        f = 1.0
    return f * (0.9 + 0.15 * max(0, (d - COMMITS_FROM).days) / 1096)


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-").replace("--", "-")


def _parse_stages(text: str) -> list[tuple[str, dt.date]]:
    out = []
    for part in text.split(","):
        stage, date = part.split()
        out.append((stage, _D(date)))
    return out


# ---------------------------------------------------------------------------------------
# Generation

class _Person:
    __slots__ = ("key", "login", "weight", "spans", "bot")

    def __init__(self, key: str, login: str | None, weight: float, bot: bool = False):
        self.key, self.login, self.weight, self.bot = key, login, weight, bot
        self.spans: list[list] = []  # [team_id, valid_from, valid_to or None]

    @property
    def start(self) -> dt.date:
        return self.spans[0][1]

    @property
    def end(self) -> dt.date:
        return self.spans[-1][2] or COMMITS_TO

    def team_at(self, d: dt.date) -> str | None:
        for team, start, end in self.spans:
            if start <= d and (end is None or d <= end):
                return team
        return None

    def in_team(self, team: str, start: dt.date, end: dt.date) -> bool:
        return any(t == team and s <= end and (e is None or e >= start) for t, s, e in self.spans)


def _make_logins(rng: random.Random, n: int) -> list[str]:
    logins: list[str] = []
    while len(logins) < n:
        adj, animal = rng.choice(_ADJECTIVES), rng.choice(_ANIMALS)
        style = rng.random()
        if style < 0.45:
            login = f"{adj}-{animal}-{rng.randint(2, 99)}"
        elif style < 0.65:
            login = f"{adj}{animal}{rng.randint(1, 9)}"
        elif style < 0.85:
            login = f"{animal}-{adj}"
        else:
            login = f"ds-{animal}{rng.randint(10, 99)}"
        if login not in logins and not identity.is_bot(login):
            logins.append(login)
    return logins


def _make_people(rng: random.Random) -> list[_Person]:
    total = sum(n for _, n, _ in TEAM_PLAN)
    logins = _make_logins(rng, total)
    people: list[_Person] = []
    by_team: dict[str, list[_Person]] = {}
    joiners: list[_Person] = []
    for team, size, n_join in TEAM_PLAN:
        formed = _D(TEAMS[team][2][0][0])
        for j in range(size):
            login = logins[len(people)]
            weight = 0.3 if j == 0 else rng.lognormvariate(0, 0.55)
            p = _Person(identity.key_for_login(login, DEMO_SALT), login, weight)
            if team == "covid-analytics":
                join = _workday(_rand_date(rng, formed, _D("2021-09-30")))
            elif j >= size - n_join:
                join = _workday(_rand_date(rng, _D("2023-10-16"), _D("2026-06-30")))
                joiners.append(p)
            else:
                join = _workday(_rand_date(rng, max(formed, _D("2019-04-01")), _D("2023-09-15")))
            p.spans.append([team, join, None])
            people.append(p)
            by_team.setdefault(team, []).append(p)

    # People seen only through a work address: re-key them from a made-up address.
    n_addr = 0
    for team, k in NO_LOGIN:
        for p in rng.sample(by_team[team], k):
            n_addr += 1
            p.login = None
            p.key = identity.key_for_email(f"analyst{n_addr * 7 + 3}@example.nhs.test", DEMO_SALT)

    # The COVID-19 cell ended on 2023-07-01: most of its staff moved to the Hub, one left.
    ended = _D(TEAMS["covid-analytics"][3])
    for i, p in enumerate(by_team["covid-analytics"]):
        p.spans[0][2] = ended - dt.timedelta(days=1)
        if i < 3:
            p.spans.append(["data-science-hub", ended, None])

    moved: list[_Person] = []
    for src, dst in MOVES:
        candidates = [p for p in by_team[src] if p not in joiners and p not in moved]
        p = rng.choice(candidates)
        when = _workday(_rand_date(rng, max(p.start + dt.timedelta(days=180), _D("2022-06-01")), _D("2026-03-31")))
        p.spans[0][2] = when - dt.timedelta(days=1)
        p.spans.append([dst, when, None])
        moved.append(p)

    stayers = [p for p in people if p not in moved and p not in joiners
               and p.spans[0][0] != "covid-analytics" and p.weight != 0.3]
    for p in rng.sample(stayers, LEAVERS):
        p.spans[-1][2] = _workday(_rand_date(rng, max(p.start + dt.timedelta(days=365), _D("2024-01-15")), _D("2026-07-31")), True)

    for login in BOTS:
        people.append(_Person(identity.key_for_login(login, DEMO_SALT), login, 1.0, bot=True))
    return people


def _repo_specs(rng: random.Random) -> list[dict]:
    """Every repository with its team, kind, activity window and project link."""
    specs = []
    for proj in PROJECTS:
        stages = _parse_stages(proj["stages"])
        stage_date = dict(stages)
        final_stage, final_date = stages[-1]
        for r in proj["repos"]:
            full_name, kind, description, at = r[:4]
            extras = r[4] if len(r) > 4 else {}
            created = stage_date.get(at, stages[0][1]) + dt.timedelta(days=rng.randint(0, 30))
            created = min(created, COMMITS_TO - dt.timedelta(days=10))
            archived, end, tidy = False, COMMITS_TO, False
            if final_stage == "retired":
                archived = True
                end = final_date + dt.timedelta(days=rng.randint(0, 45))
                if end < _D("2023-10-20"):
                    # Retired before the commit window: a last tidy-up, then archived.
                    end, tidy = _rand_date(rng, _D("2023-11-01"), _D("2024-03-29")), True
            elif final_stage == "paused":
                end = final_date + dt.timedelta(days=rng.randint(0, 30))
            specs.append(dict(full_name=full_name, team=proj["lead"], kind=kind, description=description,
                              created=created, end=end, archived=archived, tidy=tidy, project=proj,
                              stages=stages, extras=extras))
    for full_name, team, kind, description, created, end, archived, extras in UNLINKED:
        specs.append(dict(full_name=full_name, team=team, kind=kind, description=description,
                          created=_D(created), end=_D(end) if end else COMMITS_TO, archived=archived, tidy=False,
                          project=None, stages=None, extras=extras))
    return specs


def _stage_at(stages: list[tuple[str, dt.date]] | None, d: dt.date) -> str | None:
    if not stages:
        return None
    current = stages[0][0]
    for stage, since in stages:
        if since <= d:
            current = stage
    return current


_STAGE_ACTIVITY = {None: 1.0, "idea": 0.5, "discovery": 0.75, "proof_of_concept": 1.15, "pilot": 1.2,
                   "operational": 0.6, "paused": 0.1, "retired": 0.1}
_KIND_ACTIVITY = {"ml": 1.0, "nlp": 1.0, "imaging": 0.9, "lib": 1.2, "dash_py": 0.8, "dash_js": 0.9, "r": 0.8,
                  "sql": 0.8, "docs": 0.45, "notebooks": 0.5, "java": 0.25}
_RATE_SCALE = 4.1  # commits per active week of a typical repository


def _languages(rng: random.Random, spec: dict) -> tuple[str, dict[str, int]]:
    kind = spec["kind"]
    size = int(rng.lognormvariate(math.log(180_000), 0.8)) + 5_000

    def frac(lo, hi):
        return int(size * rng.uniform(lo, hi))

    langs: dict[str, int] = {}
    if kind in ("ml", "nlp", "imaging"):
        primary = "Jupyter Notebook" if rng.random() < 0.12 else "Python"
        other = "Python" if primary == "Jupyter Notebook" else "Jupyter Notebook"
        langs = {primary: size, other: frac(0.1, 0.85), "Shell": frac(0.005, 0.04)}
        if rng.random() < 0.6:
            langs["Dockerfile"] = frac(0.002, 0.015)
        if rng.random() < 0.3:
            langs["Makefile"] = frac(0.002, 0.01)
    elif kind == "lib":
        primary = "Python"
        langs = {"Python": size, "Makefile": frac(0.002, 0.01), "Shell": frac(0.003, 0.02)}
        if rng.random() < 0.4:
            langs["Jupyter Notebook"] = frac(0.05, 0.4)
    elif kind == "notebooks":
        primary = "Jupyter Notebook"
        langs = {primary: size * 3, "Python": frac(0.02, 0.2)}
    elif kind == "r":
        primary = "R"
        langs = {"R": size, "HTML": frac(0.05, 0.7), "CSS": frac(0.01, 0.08)}
        if rng.random() < 0.3:
            langs["JavaScript"] = frac(0.005, 0.05)
        if rng.random() < 0.1:
            langs["TeX"] = frac(0.01, 0.05)
    elif kind == "sql":
        primary = "TSQL" if rng.random() < 0.6 else "Python"
        other = "Python" if primary == "TSQL" else "TSQL"
        langs = {primary: size, other: frac(0.1, 0.8), "Shell": frac(0.005, 0.03)}
        if rng.random() < 0.2:
            langs["PowerShell"] = frac(0.005, 0.03)
    elif kind == "dash_py":
        primary = "Python"
        langs = {"Python": size, "CSS": frac(0.01, 0.15), "HTML": frac(0.01, 0.1)}
        if rng.random() < 0.5:
            langs["Dockerfile"] = frac(0.002, 0.01)
        if rng.random() < 0.3:
            langs["JavaScript"] = frac(0.01, 0.1)
    elif kind == "dash_js":
        primary = "TypeScript" if rng.random() < 0.6 else "JavaScript"
        langs = {primary: size, "CSS": frac(0.03, 0.25), "HTML": frac(0.01, 0.1)}
        if primary == "TypeScript":
            langs["JavaScript"] = frac(0.01, 0.1)
        if rng.random() < 0.4:
            langs["SCSS"] = frac(0.02, 0.15)
    elif kind == "docs":
        primary = "HTML"
        langs = {"HTML": size // 3 + 2_000, "CSS": int(size / 3 * rng.uniform(0.1, 0.6)),
                 "JavaScript": int(size / 3 * rng.uniform(0.05, 0.5))}
        if rng.random() < 0.5:
            langs["Python"] = int(size / 3 * rng.uniform(0.01, 0.1))
    else:  # java fork
        primary = "Java"
        langs = {"Java": size * 8, "JavaScript": frac(0.05, 0.2), "Shell": frac(0.005, 0.02), "FreeMarker": frac(0.01, 0.05)}
    langs = {k: max(v, 120) for k, v in langs.items()}
    top = langs[primary]
    for k in langs:
        if k != primary and langs[k] >= top:
            langs[k] = int(top * 0.9)
    return primary, langs


def _dependencies(rng: random.Random, spec: dict, uses_toolkit: bool) -> list[dict]:
    kind, name, full_name = spec["kind"], spec["full_name"].split("/")[1], spec["full_name"]
    rows: dict[tuple[str, str], dict] = {}

    def add(manifest, ecosystem, packages, specs, inferred=False):
        for pkg in packages:
            if (manifest, pkg) in rows:
                continue
            version = None if inferred or rng.random() < 0.25 else rng.choice(specs)
            if version and pkg in _KEY_SPECS:
                # A separate generator, so the rest of the demo stays as it was.
                version = random.Random(f"{full_name}:{manifest}:{pkg}").choice(_KEY_SPECS[pkg])
            rows[(manifest, pkg)] = {"full_name": full_name, "manifest_path": manifest, "ecosystem": ecosystem,
                                     "package": pkg, "version_spec": version, "inferred": inferred}

    def pick(base, extra, lo, hi):
        return list(_DEPS[base]) + rng.sample(_DEPS[extra], rng.randint(lo, hi))

    py_manifest = "pyproject.toml" if rng.random() < 0.3 else "requirements.txt"
    if spec["extras"].get("no_manifest"):
        # A prototype with no manifest: dependencies found from its imports.
        extra = {"nlp": ["sentence-transformers"], "imaging": ["torch", "pydicom"]}.get(kind, ["statsmodels"])
        add("src/model.py", "pypi", ["pandas", "numpy"] + extra, [], inferred=True)
        add("notebooks/exploration.ipynb", "pypi", ["pandas", "matplotlib", "seaborn"], [], inferred=True)
        return list(rows.values())
    if kind == "ml":
        pkgs = pick("ml", "ml_extra", 2, 6)
        if any(w in name for w in ("forecast", "demand", "capacity")):
            pkgs += rng.sample(_DEPS["forecast"], 2)
        if any(w in name for w in ("sim", "capacity", "allocation")):
            pkgs += _DEPS["sim"]
        add(py_manifest, "pypi", pkgs, _PY_SPECS)
        if rng.random() < 0.15:
            add("environment.yml", "conda", _DEPS["conda"], ["=3.11", ">=3.10", "=2.1"])
        if rng.random() < 0.2:
            add("src/api/requirements.txt", "pypi", _DEPS["dash_api"], _PY_SPECS)
    elif kind == "nlp":
        pkgs = pick("nlp", "nlp_extra", 2, 6)
        if "llm" in name or "summar" in name or "complaints" in name or "search" in name:
            pkgs += rng.sample(_DEPS["llm"], 2)
        add(py_manifest, "pypi", pkgs, _PY_SPECS)
    elif kind == "imaging":
        add(py_manifest, "pypi", pick("imaging", "imaging_extra", 3, 7), _PY_SPECS)
        if rng.random() < 0.2:
            add("environment.yml", "conda", _DEPS["conda"] + ["pytorch"], ["=3.10", ">=2.1"])
    elif kind == "lib":
        add("pyproject.toml", "pypi", pick("lib", "lib_extra", 2, 6), _PY_SPECS)
        if rng.random() < 0.5:
            add("docs/requirements.txt", "pypi", pick("mkdocs", "mkdocs_extra", 1, 2), _PY_SPECS)
    elif kind == "sql":
        add("requirements.txt", "pypi", pick("sql", "sql_extra", 2, 5), _PY_SPECS)
    elif kind == "dash_py":
        flavour = "dash_api" if "api" in name else rng.choice(["dash_streamlit", "dash_streamlit", "dash_dash"])
        add(py_manifest, "pypi", list(_DEPS[flavour]) + rng.sample(_DEPS["dash_extra"], rng.randint(1, 3)), _PY_SPECS)
    elif kind == "dash_js":
        manifest = "app/package.json" if rng.random() < 0.3 else "package.json"
        add(manifest, "npm", pick("npm", "npm_extra", 3, 7), _NPM_SPECS)
    elif kind == "docs":
        if rng.random() < 0.5:
            add("requirements.txt", "pypi", pick("mkdocs", "mkdocs_extra", 1, 3), _PY_SPECS)
        else:
            add("package.json", "npm", _DEPS["eleventy"], _NPM_SPECS)
    elif kind == "r":
        pkgs = pick("r", "r_extra", 3, 8)
        if "dashboard" in name or "app" in name:
            pkgs.append("shiny")
        if rng.random() < 0.55:
            add("DESCRIPTION", "cran", pkgs, _R_SPECS)
        else:
            add("renv.lock", "cran", pkgs, ["==1.1.4", "==3.5.1", "==1.9.3", "==2.25", "==0.4.2"])
    elif kind == "notebooks":
        add("notebooks/01_exploration.ipynb", "pypi", rng.sample(_DEPS["notebooks"], 4), [], inferred=True)
        add("notebooks/02_model.ipynb", "pypi", ["pandas", "scikit-learn", "torch" if "imaging" in name else "xgboost"], [], inferred=True)
    # kind "java": its Gradle build is not a manifest the ETL reads.
    if uses_toolkit:
        manifest = "pyproject.toml" if kind == "lib" else ("requirements.txt" if kind == "sql" else py_manifest)
        add(manifest, "pypi", ["ds-toolkit"], [">=0.4", ">=1.0", "~=1.2", ">=1.3,<2"])
    return list(rows.values())


def _topics(rng: random.Random, spec: dict, primary: str) -> list[str]:
    if "topics" in spec["extras"]:
        return list(spec["extras"]["topics"])
    if rng.random() < 0.25:
        return []
    topics = ["nhs"]
    kind_topics = {"ml": ["machine-learning"], "nlp": ["nlp"], "imaging": ["medical-imaging", "deep-learning"],
                   "lib": ["python-package"], "dash_py": ["dashboard"], "dash_js": ["dashboard", "data-visualisation"],
                   "r": ["rstats"], "sql": ["data-pipeline"], "docs": ["documentation"],
                   "notebooks": ["tutorial"], "java": ["synthetic-data"]}
    topics += ["api"] if spec["full_name"].endswith("-api") else kind_topics[spec["kind"]]
    if spec["project"] is not None:
        for t in spec["project"]["technique"][:2]:
            slug = _slug(t)
            if slug not in topics:
                topics.append(slug)
    lang = {"Python": "python", "R": "r", "TypeScript": "typescript", "JavaScript": "javascript", "TSQL": "sql"}.get(primary)
    if lang and lang not in topics and rng.random() < 0.6:
        topics.append(lang)
    if spec["kind"] not in ("notebooks", "java") and rng.random() < 0.3:
        topics.append("rap")
    return topics


def _staff_team(spec: dict) -> str | None:
    """The team whose people work on a repository during the commit window."""
    team = spec["team"]
    if team is not None and TEAMS[team][3] and _D(TEAMS[team][3]) <= max(spec["created"], COMMITS_FROM):
        return TEAMS[team][4]  # the team had ended: its successor looks after the code
    return team


def _contributors(rng: random.Random, spec: dict, people: list[_Person], humans_by_team: dict) -> list[tuple[_Person, float, bool]]:
    """Regular contributors of a repository: (person, weight, from the owning team)."""
    start, end = max(spec["created"], COMMITS_FROM), spec["end"]
    team = _staff_team(spec)
    chosen: list[tuple[_Person, float, bool]] = []

    def overlapping(t):
        return [p for p in humans_by_team.get(t, []) if p.in_team(t, start, end)]

    def take(pool, k, factor, home):
        pool = [p for p in pool if all(p is not c[0] for c in chosen)]
        for _ in range(min(k, len(pool))):
            weights = [p.weight for p in pool]
            p = rng.choices(pool, weights)[0]
            pool.remove(p)
            chosen.append((p, p.weight * rng.lognormvariate(0, 0.4) * factor, home))

    if team is None:
        everyone = [p for p in people if not p.bot and p.start <= end and p.end >= start]
        take(everyone, rng.randint(4, 8), 1.0, True)
        return chosen
    home = overlapping(team)
    take(home, rng.randint(2, 8), 1.0, True)
    if chosen:
        p, w, h = chosen[0]
        chosen[0] = (p, w * 2.5, h)  # the maintainer
    project = spec["project"]
    partners = list(project["partners"]) if project else []
    if spec["full_name"].startswith("nhsengland/ds-toolkit"):
        partners = ["ai-skunkworks", "nhsd-data-science", "patient-safety", "analytics-unit", "ai-imaging"]
    for partner in partners:
        if partner == "covid-analytics":
            continue
        take(overlapping(partner), rng.randint(1, 2), 0.6, False)
    if rng.random() < 0.2:
        others = [t for t in humans_by_team if t != team]
        take(overlapping(rng.choice(others)), 1, 0.3, False)
    return chosen


def _commit_times(rng: random.Random, spec: dict, start: dt.date, end: dt.date, rate: float):
    """Yield commit instants (UTC) week by week, with the week's date for choosing an author."""
    monday = start - dt.timedelta(days=start.weekday())
    created_in_window = spec["created"] >= COMMITS_FROM
    while monday <= end:
        days = [monday + dt.timedelta(days=i) for i in range(7)]
        weights = [(_DAY_WEIGHTS[i] * _season(d) if start <= d <= end else 0.0) for i, d in enumerate(days)]
        total = sum(weights)
        if total > 0:
            mid = monday + dt.timedelta(days=3)
            stage = 1.0 if spec["tidy"] else _STAGE_ACTIVITY[_stage_at(spec["stages"], mid)]
            lam = rate * stage * rng.uniform(0.4, 1.6) * total / 5.05
            if created_in_window and (mid - spec["created"]).days < 42:
                lam *= 2.0
            for _ in range(_poisson(rng, lam)):
                d = rng.choices(days, weights)[0]
                local = dt.datetime(d.year, d.month, d.day, rng.choices(_HOURS, _HOUR_WEIGHTS)[0],
                                    rng.randint(0, 59), rng.randint(0, 59))
                yield d, _uk_to_utc(local)
        monday += dt.timedelta(days=7)


def _bot_times(rng: random.Random, bot: str, start: dt.date, end: dt.date, schedule: str):
    d = start
    while d <= end:
        if bot == "github-actions[bot]":
            if schedule == "daily" or (schedule == "weekly" and d.weekday() == 0):
                yield dt.datetime(d.year, d.month, d.day, 6, rng.randint(2, 25), rng.randint(0, 59))
        elif d.weekday() == 0:
            if bot == "dependabot[bot]" and rng.random() < 0.4:
                for _ in range(rng.choice([1, 1, 1, 2, 3])):
                    day = d + dt.timedelta(days=rng.choice([0, 0, 1, 2, 3]))
                    if day <= end:
                        yield dt.datetime(day.year, day.month, day.day, rng.randint(3, 6), rng.randint(0, 59), rng.randint(0, 59))
            elif bot == "pre-commit-ci[bot]" and rng.random() < 0.3:
                yield dt.datetime(d.year, d.month, d.day, 17, rng.randint(0, 59), rng.randint(0, 59))
        d += dt.timedelta(days=1)


def _versions(rng: random.Random, n: int) -> list[str]:
    major, minor, patch = 0, 1, 0
    tags = []
    for i in range(n):
        tags.append(f"v{major}.{minor}.{patch}")
        r = rng.random()
        if r < (0.2 if major == 0 and i >= 3 else 0.03 if i >= 8 else 0):
            major, minor, patch = major + 1, 0, 0
        elif r < 0.6:
            minor, patch = minor + 1, 0
        else:
            patch += 1
    return tags


def _project_outputs(rng: random.Random, proj: dict, stages, repo_rows: dict[str, dict]) -> list[dict]:
    reached = {s for s, _ in stages}
    dates = dict(stages)
    limit = COMMITS_TO - dt.timedelta(days=5)
    pid, title = proj["id"], proj["title"]
    outputs = []

    def dated(after: dt.date, lo: int, hi: int):
        d = after + dt.timedelta(days=rng.randint(lo, hi))
        return d if d <= limit else None

    later = [s for s in ("proof_of_concept", "pilot", "operational", "retired", "paused") if s in reached]
    if proj["repos"] and later:
        repo = repo_rows[proj["repos"][0][0]]
        outputs.append({"kind": "code", "title": f"Source code: {repo['name']}", "url": repo["html_url"],
                        "date": repo["created_at"].date().isoformat()})
    ml = any(t in proj["technique"] for t in ("machine learning", "deep learning", "nlp", "text classification",
                                              "transformers", "large language models", "gradient boosting",
                                              "named entity recognition", "federated learning"))
    if "pilot" in reached or "operational" in reached:
        base = dates.get("pilot", dates.get("operational"))
        if rng.random() < 0.65 and (d := dated(base, 60, 240)):
            outputs.append({"kind": "technical_report", "title": f"{title}: technical report",
                            "url": f"https://example.org/assembly/reports/{pid}", "date": d.isoformat()})
        if ml and proj["repos"] and rng.random() < 0.7 and (d := dated(base, 20, 150)):
            outputs.append({"kind": "model_card", "title": f"Model card: {title}",
                            "url": repo_rows[proj["repos"][0][0]]["html_url"] + "/blob/main/MODEL_CARD.md",
                            "date": d.isoformat()})
        if ml and proj["data_access"] in ("patient identifiable", "pseudonymised") and rng.random() < 0.5 \
                and (d := dated(base, -30, 60)):
            outputs.append({"kind": "aia", "title": f"Algorithmic impact assessment: {title}",
                            "url": f"https://example.org/assembly/aia/{pid}", "date": d.isoformat()})
    elif "proof_of_concept" in reached and rng.random() < 0.35:
        if d := dated(dates["proof_of_concept"], 90, 300):
            outputs.append({"kind": "technical_report", "title": f"{title}: proof of concept findings",
                            "url": f"https://example.org/assembly/reports/{pid}", "date": d.isoformat()})
    if "operational" in reached or ("retired" in reached and rng.random() < 0.5):
        base = dates.get("operational", dates.get("retired"))
        if rng.random() < 0.85 and (d := dated(base, 60, 300)):
            outputs.append({"kind": "case_study", "title": f"Case study: {title}",
                            "url": f"https://example.org/assembly/case-studies/{pid}", "date": d.isoformat()})
    grown = [s for s in later if s not in ("proof_of_concept", "paused")]
    if grown and rng.random() < 0.3:
        if d := dated(dates[grown[0]], 120, 480):
            outputs.append({"kind": "publication", "title": f"{title}: an evaluation in NHS settings",
                            "url": f"https://example.org/journals/health-data-science/{pid}", "date": d.isoformat()})
    return outputs


def generate_teams() -> dict[str, list[dict]]:
    """Rows of `teams` and `team_history` for the Assembly's teams and their dated histories."""
    teams, team_history = [], []
    for team_id, (short, description, periods, ended_on, successor) in TEAMS.items():
        for i, (since, name, directorate, org, event) in enumerate(periods):
            until = _D(periods[i + 1][0]) - dt.timedelta(days=1) if i + 1 < len(periods) else None
            team_history.append({"team_id": team_id, "valid_from": _D(since), "valid_to": until, "name": name,
                                 "directorate": directorate, "organisation": org, "event": event})
        _, name, directorate, org, _ = periods[-1]
        teams.append({"team_id": team_id, "name": name, "short_name": short, "directorate": directorate,
                      "organisation": org, "description": description, "formed_on": _D(periods[0][0]),
                      "ended_on": _D(ended_on) if ended_on else None, "successor_team_id": successor})

    return {"teams": teams, "team_history": team_history}


def generate() -> dict[str, list[dict]]:
    """Every demo row, keyed by table name, plus "project_records" in the record format."""
    rng = random.Random(DEMO_SEED)
    data = generate_teams()
    teams, team_history = data["teams"], data["team_history"]

    # People and memberships
    people = _make_people(rng)
    humans = [p for p in people if not p.bot]
    bots = {p.login: p for p in people if p.bot}
    humans_by_team: dict[str, list[_Person]] = {}
    for p in humans:
        for team, _, _ in p.spans:
            if p not in humans_by_team.setdefault(team, []):
                humans_by_team[team].append(p)

    # Repositories, commits, languages, dependencies, releases
    specs = _repo_specs(rng)
    toolkit_users = [s["full_name"] for s in specs
                     if s["kind"] in ("ml", "nlp", "sql", "dash_py", "lib") and s["full_name"] != "nhsengland/ds-toolkit"
                     and s["created"] >= _D("2022-06-01")]
    toolkit_users = rng.sample(toolkit_users, min(14, len(toolkit_users)))

    repositories, repo_languages, dependencies, commits, coauthors, releases = [], [], [], [], [], []
    first_commit: dict[str, dt.date] = {}
    for spec in specs:
        full_name = spec["full_name"]
        org, name = full_name.split("/")
        kind = spec["kind"]
        start, end = max(spec["created"], COMMITS_FROM), min(spec["end"], COMMITS_TO)
        rate = (_RATE_SCALE * _KIND_ACTIVITY[kind] * rng.lognormvariate(0, 0.4) * spec["extras"].get("activity", 1.0)
                * (0.25 if spec["tidy"] else 1.0))
        contributors = _contributors(rng, spec, people, humans_by_team)
        owning = _staff_team(spec)

        repo_commits: list[tuple[dt.datetime, _Person, bool]] = []
        # The first commit comes minutes after the repository is created.
        created_at = dt.datetime.combine(spec["created"], dt.time(rng.randint(9, 16), rng.randint(0, 59), rng.randint(0, 59)))
        if spec["created"] >= COMMITS_FROM and contributors:
            maintainer = contributors[0][0]
            if maintainer.start <= spec["created"] <= maintainer.end:
                repo_commits.append((created_at + dt.timedelta(minutes=rng.randint(1, 20)), maintainer, False))
        if created_at >= DEMO_AS_OF:
            created_at = DEMO_AS_OF - dt.timedelta(days=3)

        week_cache: dict[dt.date, tuple[list, list]] = {}
        for d, when in _commit_times(rng, spec, start, end, rate):
            if when >= DEMO_AS_OF or when <= created_at:
                continue
            monday = d - dt.timedelta(days=d.weekday())
            if monday not in week_cache:
                pool, weights = [], []
                for p, w, home in contributors:
                    if p.start <= d <= p.end:
                        moved_away = home and owning is not None and p.team_at(d) != owning
                        pool.append(p)
                        weights.append(w * (0.15 if moved_away else 1.0))
                if not pool and owning is not None:
                    # Nobody regular is around: whoever is in the team now picks it up.
                    team_now = [p for p in humans_by_team.get(owning, []) if p.team_at(d) == owning]
                    if team_now:
                        p = rng.choice(team_now)
                        contributors.append((p, p.weight, True))
                        pool, weights = [p], [1.0]
                week_cache[monday] = (pool, weights)
            pool, weights = week_cache[monday]
            if not pool:
                continue
            author = rng.choices(pool, weights)[0]
            if not author.start <= d <= author.end:
                continue
            repo_commits.append((when, author, rng.random() < 0.09))

        # Bots
        bot_schedule = []
        if spec["extras"].get("actions") and not spec["archived"]:
            bot_schedule.append(("github-actions[bot]", spec["extras"]["actions"]))
        if kind in ("ml", "nlp", "imaging", "lib", "dash_py", "dash_js", "sql", "docs") and not spec["tidy"] \
                and not spec["extras"].get("fork") and (rng.random() < 0.35 or full_name == "nhsengland/ds-toolkit"):
            bot_schedule.append(("dependabot[bot]", ""))
        if kind in ("ml", "nlp", "lib", "dash_py") and not spec["tidy"] and rng.random() < 0.18:
            bot_schedule.append(("pre-commit-ci[bot]", ""))
        bot_start = start + dt.timedelta(days=14) if spec["created"] >= COMMITS_FROM else start
        for bot, schedule in bot_schedule:
            for when in _bot_times(rng, bot, bot_start, end, schedule):
                if created_at < when < DEMO_AS_OF:
                    repo_commits.append((when, bots[bot], False))

        repo_commits.sort(key=lambda c: (c[0], c[1].key))
        repo_rows_start = len(commits)
        for i, (when, author, merge) in enumerate(repo_commits):
            sha = hashlib.sha1(f"{full_name}\n{i}\n{when.isoformat()}".encode()).hexdigest()
            commits.append({"full_name": full_name, "sha": sha, "person_key": author.key, "authored_at": when,
                            "is_merge": merge})
            day = when.date()
            if author.key not in first_commit or day < first_commit[author.key]:
                first_commit[author.key] = day
            if not author.bot and not merge and rng.random() < 0.03:
                my_team = author.team_at(day)
                elsewhere = [p for p in humans if p is not author and p.start <= day <= p.end and p.team_at(day) != my_team]
                same = [c[0] for c in contributors if c[0] is not author and c[0].start <= day <= c[0].end]
                pool = elsewhere if (rng.random() < 0.6 or not same) else same
                if pool:
                    co = rng.choice(pool)
                    coauthors.append({"full_name": full_name, "sha": sha, "person_key": co.key})
        mine = commits[repo_rows_start:]

        primary, langs = _languages(rng, spec)
        if kind == "java":
            primary = "Java"
        for lang, size in sorted(langs.items(), key=lambda kv: -kv[1]):
            repo_languages.append({"full_name": full_name, "language": lang, "bytes": size})
        dependencies += _dependencies(rng, spec, full_name in toolkit_users)

        if not spec["extras"].get("fork") and kind not in ("docs", "notebooks") and len(mine) >= 40 \
                and (rng.random() < 0.55 or kind == "lib"):
            human = [c for c in mine if not c["is_merge"] and c["person_key"] not in {b.key for b in bots.values()}]
            n_tags = max(1, min(16, len(human) // rng.randint(50, 120)))
            picks = sorted(rng.sample(range(len(human)), min(n_tags, len(human))))
            # Repositories older than the commit window had releases before it.
            years_before = max(0, (COMMITS_FROM - spec["created"]).days) / 365
            earlier = int(years_before * rng.uniform(1.0, 4.0))
            for tag, idx in zip(_versions(rng, earlier + len(picks))[earlier:], picks):
                releases.append({"full_name": full_name, "tag": tag,
                                 "published_at": human[idx]["authored_at"] + dt.timedelta(minutes=rng.randint(2, 90))})

        active = spec["project"] is not None and _stage_at(spec["stages"], COMMITS_TO) in ("operational", "pilot")
        popular = rng.lognormvariate(math.log(12 if active else 3), 1.0)
        stars = int(popular * (2.5 if kind in ("lib", "docs") else 1.0))
        license_ = ("Apache-2.0" if spec["extras"].get("fork") else
                    None if kind == "notebooks" or rng.random() < 0.05 else
                    "OGL-UK-3.0" if kind == "docs" and rng.random() < 0.7 else
                    "GPL-3.0-only" if kind == "r" and rng.random() < 0.15 else
                    "Apache-2.0" if rng.random() < 0.12 else "MIT")
        old = spec["created"] < _D("2021-01-01")
        repositories.append({
            "full_name": full_name, "org": org, "name": name, "description": spec["description"],
            "primary_language": primary, "stars": stars, "forks": int(stars * rng.uniform(0.1, 0.4)),
            "open_issues": 0 if spec["archived"] else int(rng.lognormvariate(math.log(3), 0.9)),
            "license": license_, "archived": spec["archived"], "is_fork": bool(spec["extras"].get("fork")),
            "created_at": created_at, "pushed_at": mine[-1]["authored_at"] if mine else created_at,
            "default_branch": "master" if (old and rng.random() < 0.7) or rng.random() < 0.06 else "main",
            "topics": _topics(rng, spec, primary), "team_id": spec["team"], "source": "demo",
            "html_url": f"https://github.com/{full_name}",
        })

    # People rows: first seen at their first membership or commit.
    people_rows, memberships = [], []
    for p in people:
        seen = [first_commit[p.key]] if p.key in first_commit else []
        seen += [s for _, s, _ in p.spans]
        if not seen:
            continue  # a bot that never committed
        people_rows.append({"person_key": p.key, "github_login": p.login, "is_bot": identity.is_bot(p.login),
                            "first_seen": min(seen), "source": "demo"})
        for team, since, until in p.spans:
            memberships.append({"person_key": p.key, "team_id": team, "valid_from": since, "valid_to": until})

    _pair_programming(coauthors, commits, {p.key: p for p in people})
    people_rows, memberships, aliases = _identity_cases(people_rows, memberships, commits)
    repo_packages = _published_packages(specs, dependencies)

    # Project records
    repo_by_name = {r["full_name"]: r for r in repositories}
    language_tag = {"Python": "python", "Jupyter Notebook": "python", "R": "r", "TSQL": "sql",
                    "TypeScript": "typescript", "JavaScript": "javascript"}
    records = []
    for proj in PROJECTS:
        stages = _parse_stages(proj["stages"])
        langs = list(proj.get("language") or [])
        for r in proj["repos"]:
            tag = language_tag.get(repo_by_name[r[0]]["primary_language"])
            if tag and tag not in langs:
                langs.append(tag)
        records.append({
            "id": proj["id"], "title": proj["title"], "summary": proj["summary"], "description": proj["description"],
            "lead_team": proj["lead"], "partner_teams": list(proj["partners"]), "origin": proj["origin"],
            "work_area": proj["work_area"],
            "tags": {"domain": list(proj["domain"]), "technique": list(proj["technique"]),
                     "data_type": list(proj["data_type"]), "language": langs},
            "data_access": proj["data_access"],
            "stages": [{"stage": s, "date": d.isoformat()} for s, d in stages],
            "repositories": [{"full_name": r[0], "host": "github", "url": repo_by_name[r[0]]["html_url"]}
                             for r in proj["repos"]],
            "outputs": _project_outputs(rng, proj, stages, repo_by_name),
            "operational_owner": proj.get("owner") if any(s == "operational" for s, _ in stages) else None,
        })

    return {"teams": teams, "team_history": team_history, "people": people_rows, "memberships": memberships,
            "repositories": repositories, "repo_languages": repo_languages, "dependencies": dependencies,
            "commits": commits, "commit_coauthors": coauthors, "releases": releases,
            "person_aliases": aliases, "repo_packages": repo_packages,
            "project_records": [_with_governance_and_impact(r) for r in records]}


def _pair_programming(coauthors: list[dict], commits: list[dict], people: dict) -> None:
    """Co-authors are people who work on the repository: someone picked at random from the
    whole Assembly becomes one of the repository's own authors who is in a team that day (a
    generator of its own keeps everything else as it was)."""
    rng = random.Random("demo pair programming")
    authors: dict[str, list[str]] = {}
    author_of: dict[tuple[str, str], str] = {}
    for c in commits:
        authors.setdefault(c["full_name"], [])
        if c["person_key"] not in authors[c["full_name"]]:
            authors[c["full_name"]].append(c["person_key"])
        author_of[(c["full_name"], c["sha"])] = c["person_key"]
    when = {(c["full_name"], c["sha"]): c["authored_at"].date() for c in commits}
    for row in coauthors:
        day = when[(row["full_name"], row["sha"])]
        regulars = [k for k in authors[row["full_name"]] if k != author_of[(row["full_name"], row["sha"])]
                    and k in people and people[k].team_at(day) is not None]
        if row["person_key"] not in regulars and regulars and rng.random() < 0.85:
            row["person_key"] = rng.choice(regulars)


def _identity_cases(people_rows: list[dict], memberships: list[dict],
                    commits: list[dict]) -> tuple[list[dict], list[dict], list[dict]]:
    """What real estates hold and the collaboration analysis must handle: people who also commit
    from an e-mail address linked to no GitHub account (joined by aliases), and people with no
    membership in data/teams.yml (attributed to a team by inference). A generator of its own
    keeps everything else as it was."""
    rng = random.Random("demo identity cases")
    commits_by_person: dict[str, int] = {}
    for c in commits:
        commits_by_person[c["person_key"]] = commits_by_person.get(c["person_key"], 0) + 1
    spans: dict[str, int] = {}
    for m in memberships:
        spans[m["person_key"]] = spans.get(m["person_key"], 0) + 1
    humans = sorted((p for p in people_rows if not p["is_bot"] and commits_by_person.get(p["person_key"], 0) >= 100),
                    key=lambda p: p["person_key"])
    # Five people commit some of their work from a laptop whose address GitHub cannot link.
    aliases, new_people = [], []
    for p in rng.sample(humans, 5):
        alias = identity.key_for_email(f"{p['person_key']}.laptop@example.nhs.test", DEMO_SALT)
        mine = [c for c in commits if c["person_key"] == p["person_key"]]
        moved = [c for c in mine if rng.random() < 0.2]
        for c in moved:
            c["person_key"] = alias
        if moved:
            new_people.append({"person_key": alias, "github_login": None, "is_bot": False,
                               "first_seen": min(c["authored_at"] for c in moved).date(), "source": "demo"})
            aliases.append({"alias_key": alias, "person_key": p["person_key"]})
    # Three people with one membership are not in data/teams.yml at all (visiting fellows).
    single = [p for p in humans if spans.get(p["person_key"]) == 1 and p["person_key"] not in
              {a["person_key"] for a in aliases}]
    unlisted = {p["person_key"] for p in rng.sample(single, 3)}
    memberships = [m for m in memberships if m["person_key"] not in unlisted]
    return people_rows + new_people, memberships, aliases


def _published_packages(specs: list[dict], dependencies: list[dict]) -> list[dict]:
    """Packages the Assembly's own library repositories publish (the name in their pyproject.toml
    or DESCRIPTION); other teams depending on them is shared internal code."""
    rows = []
    for spec in specs:
        manifests = {d["manifest_path"] for d in dependencies if d["full_name"] == spec["full_name"]}
        name = spec["full_name"].split("/")[1]
        if spec["kind"] == "lib" and "pyproject.toml" in manifests:
            rows.append({"full_name": spec["full_name"], "ecosystem": "pypi", "package": name,
                         "manifest_path": "pyproject.toml"})
        elif spec["kind"] == "r" and "DESCRIPTION" in manifests:
            package = "NHSR" + "".join(w.capitalize() for w in name.split("-"))
            rows.append({"full_name": spec["full_name"], "ecosystem": "cran", "package": package,
                         "manifest_path": "DESCRIPTION"})
    # Besides the toolkit, two libraries travel: the Analytics Unit's R reporting templates
    # and the Hub's data-quality rules (a generator of its own keeps the rest as it was).
    rng = random.Random("demo internal packages")
    owner = {r["package"]: r["full_name"] for r in rows}
    team_of = {spec["full_name"]: spec["team"] for spec in specs}
    for package, ecosystem, manifest, n in (("NHSRAuReportingTemplates", "cran", "DESCRIPTION", 4),
                                            ("dq-rules-library", "pypi", "requirements.txt", 3)):
        if package not in owner:
            continue
        users = sorted({d["full_name"] for d in dependencies if d["manifest_path"] == manifest
                        and team_of.get(d["full_name"]) not in (None, team_of[owner[package]])})
        for full_name in rng.sample(users, min(n, len(users))):
            dependencies.append({"full_name": full_name, "manifest_path": manifest, "ecosystem": ecosystem,
                                 "package": package, "version_spec": None, "inferred": False})
    return rows


def _checked_records(project_records: list[dict], team_ids: set[str]) -> list[dict]:
    """The demo records through the same checks as real record files (records.validate)."""
    from etl import records

    checked, problems = [], []
    for record in project_records:
        canonical, found = records.validate(record, source=f"demo record {record['id']}", known_teams=team_ids)
        problems += found
        if canonical:
            checked.append(canonical)
    if problems:
        raise records.RecordsError(problems)
    return checked


_REACHED = {"idea": 0, "discovery": 1, "proof_of_concept": 2, "pilot": 3, "operational": 4}


def _with_governance_and_impact(record: dict) -> dict:
    """Governance status, impact and active years for a demo record, plausible for its stage."""
    rng = random.Random(int(hashlib.sha256(record["id"].encode()).hexdigest()[:8], 16))
    reached = max(_REACHED.get(s["stage"], 0) for s in record["stages"])
    patient_data = record.get("data_access") in ("patient identifiable", "pseudonymised")
    clinical = any(t in ("clinical decision support", "imaging", "triage", "patient safety")
                   for t in (record.get("tags") or {}).get("domain", []) + [record.get("work_area") or ""])

    def status(needed: bool, done_from: int) -> str:
        if not needed:
            return "not needed"
        if reached >= done_from:
            return "done" if rng.random() < 0.85 else "in progress"
        return "in progress" if reached >= done_from - 1 else "not started"

    out = dict(record)
    out["governance"] = {"dpia": status(patient_data, 2), "aia": status(patient_data or clinical, 3),
                         "clinical_safety_case": status(clinical, 3)}
    first = dt.date.fromisoformat(str(record["stages"][0]["date"])).year
    last = dt.date.fromisoformat(str(record["stages"][-1]["date"])).year
    out["years"] = {"from": first, "to": last if record["stages"][-1]["stage"] == "retired" else None}
    if reached >= 4:
        out["impact"] = {"text": "In routine use; the operational owner reports it quarterly.",
                         "hours_saved_per_year": rng.choice([400, 900, 1500, 2600, 5200]),
                         "organisations_using": rng.randint(3, 40)}
    elif reached == 3:
        out["impact"] = {"text": "Piloted with partner organisations; evaluation under way.",
                         "organisations_using": rng.randint(1, 4)}
        if not out.get("operational_owner") and record["stages"][-1]["stage"] == "pilot" and rng.random() < 0.5:
            out["operational_owner"] = rng.choice(_OWNERS)  # handover agreed before the pilot ends
    return out


_OWNERS = ["NHS England Data Services", "National Patient Safety Team", "London Region Business Intelligence",
           "NHS England Digital Analytics", "Screening Programmes Operations"]


def build_demo(path, *, wait: float = 0, if_missing: bool = False) -> dict[str, int]:
    """Build the demo warehouse at `path` (replacing it atomically); returns row counts per table.

    `wait` and `if_missing` are passed to warehouse.build (lock wait; skip if it exists).
    """
    data = generate()
    with pipeline.build(Path(path), "demo", wait=wait, if_missing=if_missing) as b:
        b.contents = "demo"
        b.data_as_of = DEMO_AS_OF
        for table in TABLES:
            load.save_rows(b.con, table, data[table])
        load.save_projects(b.con, _checked_records(data["project_records"], {t["team_id"] for t in data["teams"]}))
        b.stats["repos_seen"] = len(data["repositories"])
        b.stats["repos_changed"] = len(data["repositories"])
        b.stats["commits_added"] = len(data["commits"])
        b.stats["message"] = "demo data"
        counts = warehouse.row_counts(b.con)
    return {t: counts[t] for t in TABLES + PROJECT_TABLES}
