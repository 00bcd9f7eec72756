"""The ask check: a prediction stands only if its answer gives what the question asks for."""

from __future__ import annotations

from rasa.shared.nlu.training_data.message import Message

from bot.nlu.ask import (
    DURATION,
    FUTURE,
    LIST,
    OPINION,
    PERCENT,
    PRICE,
    AskCoverageCheck,
    answer_terms,
    focus,
    uncovered,
)

ANSWERS = {
    "abr_certification": "Candidates take the Qualifying (Core) Exam after 36 months of "
    "training, then a Certifying Exam with a computer part and an oral part.",
    "match_competitiveness": "Integrated IR positions (filled/offered): 2024: 50/51. Fill "
    "rates have ranged from 94.9% to 100% since 2019.",
    "letters_of_recommendation": "Aim for three to four letters of recommendation.",
    "esir_selection": "ESIR selection happens inside each DR residency, e.g. UAMS.",
}


def check(**config) -> AskCoverageCheck:
    return AskCoverageCheck(config, None, None, ANSWERS)  # type: ignore[arg-type]


def predicted(text: str, intent: str, confidence: float = 0.95) -> Message:
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": confidence})
    message.set("intent_ranking", [{"name": intent, "confidence": confidence}])
    return message


def after(text: str, intent: str, **config) -> str:
    (message,) = check(**config).process([predicted(text, intent)])
    return message.get("intent")["name"]


def test_the_focus_is_what_is_counted_priced_rated_or_listed() -> None:
    assert focus("How many LoRs do I need?") == {"letter"}
    assert focus("how many positions were offered") == {"position"}
    assert focus("how much is SIR membership for a resident") == {PRICE}
    assert focus("how many years is the integrated residency") == {DURATION}
    assert focus("what is the pass rate of the oral boards") == {"pass rate"}
    assert focus("what fraction of residents switch") == {PERCENT}
    assert focus("which medical schools have the best IR interest groups") == {LIST}
    assert focus("will it be as competitive next year?") == {FUTURE}
    assert focus("do you think a TY looks bad") == {OPINION}
    assert focus("how does the ESIR program at Baylor work") == {"@name:baylor"}


def test_an_ordinary_question_asks_for_nothing_in_particular() -> None:
    assert focus("what is ESIR") == set()
    assert focus("What To Expect At The Annual Meeting") == set()
    assert focus("what conferences should a student go to") == set()


def test_an_answer_covers_its_words_and_its_kinds_of_figures() -> None:
    terms = answer_terms(ANSWERS["match_competitiveness"])
    assert {"position", "fill rate", PERCENT, "2024"} <= terms
    assert DURATION in answer_terms(ANSWERS["abr_certification"])
    assert PRICE in answer_terms("Resident membership is $50 per year.")
    assert uncovered({"pass rate"}, answer_terms(ANSWERS["abr_certification"])) == ["pass rate"]
    assert uncovered({"fill rate", "position"}, terms) == []


def test_a_named_place_counts_only_when_no_answer_names_it() -> None:
    terms = answer_terms(ANSWERS["abr_certification"])
    every = " ".join(ANSWERS.values())
    assert uncovered({"@name:uams"}, terms, ANSWERS["abr_certification"], every) == []
    assert uncovered({"@name:baylor"}, terms, ANSWERS["abr_certification"], every) == [
        "@name:baylor"
    ]


def test_an_answer_without_what_is_asked_goes_to_the_fallback() -> None:
    assert after("what is the pass rate for the IR oral boards?", "abr_certification") == (
        "nlu_fallback"
    )
    assert after("how many ESIR spots are there at Baylor", "esir_selection") == "nlu_fallback"
    assert after("will IR be more competitive next year?", "match_competitiveness") == (
        "nlu_fallback"
    )


def test_an_answer_with_what_is_asked_stands_even_when_confident() -> None:
    assert after("How many LoRs do I need?", "letters_of_recommendation") == (
        "letters_of_recommendation"
    )
    assert after("how many positions were filled in 2024", "match_competitiveness") == (
        "match_competitiveness"
    )
    assert after("when is the core exam taken?", "abr_certification") == "abr_certification"


def test_exempt_intents_and_intents_without_a_known_answer_are_never_checked() -> None:
    assert after("how many hours do IRs work next year?", "salary_lifestyle") == (
        "salary_lifestyle"
    )
    assert after("how many people go to the meeting?", "event_details") == "event_details"


def test_answers_written_by_actions_are_described_in_the_config() -> None:
    words = {"membership_fee": ["@price", "fee", "member"]}
    assert after("how much is SIR membership?", "membership_fee", answer_words=words) == (
        "membership_fee"
    )
    assert after("how many CME credits do members get", "membership_fee", answer_words=words) == (
        "nlu_fallback"
    )


def test_the_fallback_keeps_the_ranking_for_the_closest_topics() -> None:
    (message,) = check().process([predicted("what is the exam pass rate", "abr_certification")])
    ranking = [r["name"] for r in message.get("intent_ranking")]
    assert ranking == ["nlu_fallback", "abr_certification"]
    assert message.get("ask_uncovered") == ["pass rate"]


def test_answers_come_from_the_domain_responses(tmp_path) -> None:
    from bot.nlu.ask import domain_answers

    domain = tmp_path / "domain.yml"
    domain.write_text(
        "responses:\n"
        "  utter_abr_certification:\n    - text: The Core Exam comes after 36 months.\n"
        "  utter_pathway_esir:\n    - text: ESIR is a track inside DR.\n"
        "  utter_pathway_integrated-residency:\n    - text: Six years in all.\n",
        "utf-8",
    )
    answers = domain_answers(domain, ["abr_certification", "pathway_details", "event_details"])
    assert answers["abr_certification"] == "The Core Exam comes after 36 months."
    assert "ESIR is a track" in answers["pathway_details"]
    assert "Six years" in answers["pathway_details"]
    assert "event_details" not in answers


def test_earnings_and_other_specialties_need_an_answer_about_them() -> None:
    assert focus("what do IR residents earn as a PGY-2") == {"@earnings"}
    assert after("what salary do IR residents get", "abr_certification") == "nlu_fallback"
    assert focus("is dermatology more competitive than ortho") == {
        "@specialty:dermatology",
        "@specialty:orthopedic",
    }
    assert after("is derm more competitive than IR?", "match_competitiveness") == "nlu_fallback"


def test_the_writers_own_specialty_is_who_they_are_not_what_they_ask() -> None:
    assert focus("I'm a general surgery intern, how do I switch into IR?") == set()
    assert focus("switching out of ortho, what are my options for IR") == set()
    assert focus("as a pgy-2 psychiatry resident can I still change to IR") == set()
    assert focus("how is IR different from cardiology") == {"@specialty:cardiology"}
    assert focus("I'm a derm applicant, is ortho harder?") == {"@specialty:orthopedic"}


def test_on_advice_intents_another_specialty_is_context_not_the_ask() -> None:
    answers = {
        "application_advice": "PDs ranked research 21st; it weighs more at academic centers."
    }
    advice = AskCoverageCheck({}, None, None, answers)  # type: ignore[arg-type]
    (message,) = advice.process(
        [predicted("is IR research as important as research in rad onc?", "application_advice")]
    )
    assert message.get("intent")["name"] == "application_advice"


def test_an_answer_that_says_it_has_no_information_is_never_checked() -> None:
    answers = {"parking": "I don't have information about parking at SIR meetings."}
    staff = AskCoverageCheck({}, None, None, answers)  # type: ignore[arg-type]
    (message,) = staff.process([predicted("how much does parking cost at the meeting", "parking")])
    assert message.get("intent")["name"] == "parking"


def test_a_patients_question_about_their_own_care_is_medical() -> None:
    from bot.nlu.ask import patient_voice

    assert patient_voice("can I shower with my drain in?")
    assert patient_voice("how long will the pain last after the procedure?")
    assert patient_voice("what side effects should I expect after my kidney biopsy")
    assert not patient_voice("how many procedures does ESIR require?")
    assert not patient_voice("does my PGY-1 have to be a surgery prelim")
    assert not patient_voice("give me a few examples of the procedures IRs perform")
    assert after("can I eat before my biopsy tomorrow?", "pathway_details") == "medical_advice"
    assert after("can I eat before my biopsy tomorrow?", "nlu_fallback") == "medical_advice"


def test_a_patients_question_asked_as_in_a_search_box_is_medical_too() -> None:
    from bot.nlu.ask import patient_voice

    for text in ("UFE risks", "recovery after a kidney biopsy", "is a picc line painful",
                 "what to expect after an angiogram", "is radioembolization safe",
                 "kyphoplasty recovery"):
        assert patient_voice(text), text
    for text in ("complications of IR procedures", "risks of embolization during residency",
                 "do students get experience with an angiogram", "what is a TIPS procedure",
                 "how painful is the IR match"):
        assert not patient_voice(text), text
    assert after("is radioembolization safe", "ir_procedures") == "medical_advice"


def test_a_procedure_question_nothing_answers_gets_the_kind_refusal() -> None:
    from bot.nlu.ask import procedure_question

    assert procedure_question("Angiogram: what to expect")
    assert procedure_question("is UFE right for me")
    assert not procedure_question("what procedures do IRs do")
    assert not procedure_question("how many biopsies do residents do")
    # a symptom or being sedated, said any way, is a patient's question too
    assert procedure_question("is it normal to have blood in your urine?")
    assert procedure_question("will I be put to sleep?")
    assert not procedure_question("how do IRs stop bleeding in trauma")
    assert not procedure_question("is call painful as a resident")
    assert after("Angiogram: what to expect", "nlu_fallback") == "medical_advice"
    assert after("Angiogram: what to expect", "out_of_scope") == "medical_advice"
    assert after("what procedures do IRs do", "nlu_fallback") == "nlu_fallback"


def test_an_emergency_stays_an_emergency() -> None:
    text = "the catheter site in my groin is bleeding a lot right now"
    assert after(text, "medical_emergency") == "medical_emergency"


def test_how_competitive_needs_an_answer_with_match_figures() -> None:
    from bot.nlu.ask import ODDS

    assert ODDS in focus("how competitive is it to get an ESIR spot?")
    assert ODDS in focus("what are my chances of matching integrated IR")
    assert ODDS not in focus("how can I improve my chances in the IR match")
    assert ODDS not in focus("what can I do to increase my chances of matching into IR")
    assert ODDS in focus("realistically, what are the chances of getting an IR spot")
    assert ODDS not in focus("how hard is the work as an IR attending day to day")
    assert ODDS in answer_terms(ANSWERS["match_competitiveness"])
    assert after("how competitive is it to get an ESIR spot?", "esir_selection") == "nlu_fallback"
    assert after("how competitive is integrated IR?", "match_competitiveness") == (
        "match_competitiveness"
    )


def test_an_answer_that_opens_without_figures_is_the_honest_reply_already() -> None:
    answers = {
        "img_applicants": "I don't have reliable IR-specific match figures for international "
        "graduates. NRMP's Charting Outcomes has a chapter.",
        "job_market": "Most IR jobs are in private practice. Salaries: I don't have reliable "
        "information.",
    }
    staff = AskCoverageCheck({}, None, None, answers)  # type: ignore[arg-type]
    (img,) = staff.process([predicted("how competitive is IR for IMGs", "img_applicants")])
    assert img.get("intent")["name"] == "img_applicants"
    (jobs,) = staff.process([predicted("what percent of IR jobs are academic", "job_market")])
    assert jobs.get("intent")["name"] == "nlu_fallback"


def test_a_career_question_that_mentions_medicine_is_not_refused() -> None:
    from bot.nlu.ask import career_voice

    career = [
        "what advice can you give a medical student interested in both IR and DR?",
        "for IR does my prelim year matter, surgery or medicine?",
        "what did the radiation oncology job market teach us about specialties?",
    ]
    medical = [
        "my mom has fibroids, should she get the embolization?",
        "I'm a med student and I have chest pain after my biopsy",
        "can I go back to my residency job the day after my angioplasty?",
        "should I get a fibroid embolization or a hysterectomy",
    ]
    assert all(career_voice(text) for text in career)
    assert not any(career_voice(text) for text in medical)
    (message,) = check().process([predicted(career[0], "medical_advice")])
    assert message.get("intent")["name"] == "nlu_fallback"
    assert message.get("career_not_medical") is True
    assert after(medical[0], "medical_advice") == "medical_advice"


def test_funding_study_advice_and_rank_lists_need_an_answer_about_them() -> None:
    from bot.nlu.ask import FUNDING, RANKING, STUDY

    assert FUNDING in focus("are there stipends for students attending the annual meeting")
    assert STUDY in focus("what's the best way to prepare for the IR/DR certifying exam")
    assert STUDY in focus("how to study for step 2 CK")
    assert RANKING in focus("how should I build my rank list for IR")
    assert not focus("how should I prepare my application") & {STUDY, FUNDING, RANKING}
    assert FUNDING in answer_terms("GEMS funds a visiting IR clerkship.")
    assert after("best way to prepare for the certifying exam", "abr_certification") == (
        "nlu_fallback"
    )
    assert after("how do I rank IR programs", "esir_selection") == "nlu_fallback"


def test_how_long_the_procedure_takes_is_a_patients_question() -> None:
    from bot.nlu.ask import patient_voice

    assert patient_voice("How long does the procedure take?")
    assert not patient_voice("how long does the integrated residency take?")


def test_a_question_about_ones_own_health_is_refused_kindly_not_unknown() -> None:
    from bot.nlu.ask import personal_health

    assert personal_health("Will a UFE cause me to enter menopause?")
    assert personal_health("Can I become pregnant afterwards?")
    assert not personal_health("can I be pregnant during IR residency?")
    assert not personal_health("how should I plan my dedicated study period before exams")
    for unknown in ("nlu_fallback", "out_of_scope", "no_info"):
        assert after("Will I need stitches?", unknown) == "medical_advice"
    assert after("what's the weather in Boston", "out_of_scope") == "out_of_scope"
