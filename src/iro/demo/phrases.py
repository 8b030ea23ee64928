"""Invented words for the demo's disputes, challenges, feedback, invitations and plans.

Every sentence here is made up for the synthetic authority. ``{name}`` is a child's
first name (or "the baby"); the texts are short and plain, as the service writes for
families. Agency names are those of ``names.AGENCIES``.
"""

from __future__ import annotations

# ---------------------------------------------------------------- disputes (DRP)

DISPUTE_DETAIL = {
    "progress": [
        "The plan has not moved on since the last review: the parenting assessment has "
        "still not started.",
        "Actions agreed at the conference have not been done and nobody has told the family why.",
        "{name} has not been seen alone by the social worker for six weeks.",
        "The core group has not met since the conference and the plan is drifting.",
        "The referral to the domestic abuse programme agreed at the conference was never made.",
        "Three core group meetings were cancelled in a row; nothing on the plan has moved.",
    ],
    "assessment": [
        "The child and family assessment is six weeks late and the plan depends on it.",
        "The assessment does not say what {name} thinks or how they feel at home.",
        "The assessment has not looked at the father's history, which the conference asked for.",
        "The parenting assessment was ended early without the conference's agreement.",
    ],
    "planning": [
        "The plan says what parents must do but not what support they will get.",
        "There is no contingency plan if things at home get worse.",
        "The plan does not set out how the family will know if things are better.",
        "The plan was not shared with the family in their own language.",
    ],
    "practice": [
        "Statutory visits have been missed on four occasions this quarter.",
        "The social worker changed three times in two months and the family were not told.",
        "Reports for the conference were shared with the family on the morning of the meeting.",
        "{name}'s records do not show the visits the plan asked for.",
    ],
}
# Responses at each stage, true of any reason: the manager's answer to the IRO's worry.
STAGE_RESPONSE = {
    1: [
        "The social worker accepted the worry and will put it right within two weeks.",
        "The social worker will hold a core group meeting within ten working days.",
        "The social worker explained the delay and gave new dates for the work.",
    ],
    2: [
        "The team manager agreed new dates and will check the work in supervision.",
        "The team manager has given the social worker more time for this family.",
        "The team manager will supervise the case every two weeks until the review.",
    ],
    3: [
        "The service manager has agreed extra support to get the plan back on track.",
        "The service manager agreed a case review with the team and the IRO.",
        "The service manager has asked for the plan to be rewritten with the family.",
    ],
    4: [
        "The head of service agreed to fund the specialist work the plan needs.",
        "The head of service has set up a meeting with the family and the team.",
    ],
    5: [
        "Senior leaders have agreed a legal planning meeting within two weeks.",
        "Senior leaders agreed to review the whole team's caseloads.",
    ],
}
DISPUTE_RESOLUTION = {
    "progress": [
        "Actions were completed and the core group is meeting every four weeks.",
        "The plan is back on track: the programme has started and visits are up to date.",
        "The IRO is satisfied the plan is now moving forward.",
    ],
    "assessment": [
        "The assessment was finished and shared with the family before the review.",
        "The assessment has been updated with the child's views and the father's history.",
    ],
    "planning": [
        "The plan was rewritten with the family and includes a contingency plan.",
        "The plan now says what support the family will get and by when.",
    ],
    "practice": [
        "Visits are now happening as the plan says and the records are up to date.",
        "A consistent social worker is in place and has met the family.",
    ],
}
ESCALATION_NOTE = [
    "No response within the timescale.",
    "The response did not resolve the worry.",
    "Agreed actions were not completed.",
]

# ------------------------------------------------------- multi-agency challenges

# Agencies an IRO challenges, weighted; schools are chosen by the child's age.
CHALLENGE_AGENCIES: list[tuple[str, int]] = [
    ("Northmoor Police Public Protection Unit", 14),
    ("Northmoor Police Child Abuse Investigation Team", 6),
    ("Northmoor Hospitals NHS Foundation Trust", 9),
    ("Northmoor Community Health NHS Trust (health visiting and school nursing)", 15),
    ("Northmoor and Vale Mental Health NHS Trust", 8),
    ("Moorside Medical Practice", 7),
    ("school", 22),
    ("Northmoor Probation Delivery Unit", 6),
    ("Northmoor Homes", 5),
    ("Northmoor Domestic Abuse Service", 3),
    ("Fallowfield Drug and Alcohol Recovery Service", 3),
    ("Northmoor Youth Justice Service", 2),
]
NURSERY = "Greyfriars Nursery and Pre-school"
PRIMARY = "Ashby Vale Primary School"
SECONDARY = ["Kettlewick Academy", "Larkmoor High School"]

# Agency name -> (the professional, their manager, concerns).
CHALLENGE_DETAILS: dict[str, tuple[str, str, list[str]]] = {
    "Northmoor Police Public Protection Unit": (
        "Detective constable, Public Protection Unit",
        "Detective Inspector, Public Protection Unit",
        [
            "Police checks asked for at the conference were not shared for five weeks.",
            "A domestic abuse incident at the home was not passed to children's services.",
        ],
    ),
    "Northmoor Police Child Abuse Investigation Team": (
        "Investigating officer, Child Abuse Investigation Team",
        "Detective Sergeant, Child Abuse Investigation Team",
        ["The outcome of the investigation was not shared with the core group."],
    ),
    "Northmoor Hospitals NHS Foundation Trust": (
        "Paediatric liaison nurse",
        "Named nurse for safeguarding children",
        [
            "Missed hospital appointments were not shared with the social worker.",
            "The hospital discharged {name} without telling the social worker.",
        ],
    ),
    "Northmoor Community Health NHS Trust (health visiting and school nursing)": (
        "Health visitor",
        "Health visiting team leader",
        [
            "The health visitor has not attended the last three core group meetings.",
            "No health report was sent for the review conference.",
            "Developmental checks agreed in the plan have not happened.",
        ],
    ),
    "Northmoor and Vale Mental Health NHS Trust": (
        "Community psychiatric nurse",
        "Team manager, community mental health team",
        [
            "The parent's mental health assessment was not shared with the core group.",
            "No one from adult mental health came to the conference or sent a report.",
        ],
    ),
    "Moorside Medical Practice": (
        "GP",
        "Named GP for safeguarding",
        ["The GP did not send a report for the conference despite two requests."],
    ),
    NURSERY: (
        "Nursery manager",
        "Early years safeguarding lead",
        ["Absences from nursery were not reported to the social worker as the plan asks."],
    ),
    PRIMARY: (
        "Designated safeguarding lead",
        "Headteacher",
        [
            "School did not tell the social worker when {name} was absent, as the plan asks.",
            "School did not attend the core group or send an update.",
        ],
    ),
    "Kettlewick Academy": (
        "Designated safeguarding lead",
        "Headteacher",
        ["School did not share concerns about {name}'s injuries on the day they were seen."],
    ),
    "Larkmoor High School": (
        "Head of year",
        "Headteacher",
        ["{name} was put on a part-time timetable without telling the core group."],
    ),
    "Northmoor Probation Delivery Unit": (
        "Probation officer",
        "Senior probation officer",
        ["Probation did not share the risk assessment the conference asked for."],
    ),
    "Northmoor Homes": (
        "Housing officer",
        "Tenancy services manager",
        ["The repairs needed to make the home safe have waited three months."],
    ),
    "Northmoor Domestic Abuse Service": (
        "Family support worker",
        "Service manager",
        ["The referral for the mother's support has not been picked up after six weeks."],
    ),
    "Fallowfield Drug and Alcohol Recovery Service": (
        "Recovery worker",
        "Service manager",
        ["Test results agreed in the plan have not been shared with the social worker."],
    ),
    "Northmoor Youth Justice Service": (
        "Youth justice worker",
        "Youth Justice Service manager",
        ["The youth justice worker was not invited to share their worries with the core group."],
    ),
}
CHALLENGE_RESPONSE = {
    "upheld": [
        "The manager agreed the concern and has put a named person in place for the family.",
        "The manager apologised; the report has now been shared and practice reminded.",
        "The concern was accepted and the professional will attend every core group.",
    ],
    "partly_upheld": [
        "The manager accepted the report was late but said staff sickness caused the delay.",
        "Part of the concern was accepted; the information will be shared from now on.",
    ],
    "not_upheld": [
        "The manager showed the information had been shared by phone on the day.",
        "Records show the professional did send apologies and an update to the core group.",
    ],
    "withdrawn": [
        "The IRO withdrew the challenge after the report arrived the next day.",
        "Withdrawn: the professional explained the delay and the plan was not affected.",
    ],
}

# ------------------------------------------------------------------- feedback

PARENT_FEEDBACK = [
    "Much better than I expected. I felt listened to and I knew what was going on.",
    "The chair explained everything before the meeting, so I was not as scared.",
    "I didn't like how many people were in the room, but they let me have my say.",
    "For the first time I understood what everyone was worried about.",
    "It was hard to hear, but it was fair and they said what was going well too.",
    "I wish the reports had come sooner so I could read them properly.",
    "The interpreter helped a lot. I could follow everything that was said.",
    "They wrote down what I said about my children. That meant a lot to me.",
    "I felt judged at first, but the chair made sure I could speak.",
    "The meeting was online and it was easier for me than going to the office.",
    "The plan is clear. I know what I need to do and who will help me.",
]
# From young people who came to their conference (for all of it or part).
CHILD_FEEDBACK = [
    "It was okay. I liked that I could say what I wanted before it started.",
    "The chair talked to me like a person, not a problem.",
    "There were too many people. I wanted to leave after a bit.",
    "I liked the drawing I did being shown. People listened to it.",
    "I want my meetings to be after school, not in the morning.",
    "I was scared at first but everyone was kind to me.",
]
CHILD_WITH_ADVOCATE_FEEDBACK = "I was nervous but my advocate helped me say things."
PROFESSIONAL_FEEDBACK = [
    "The IRO was really good with the family. They explained the process and "
    "encouraged them to share their views.",
    "The meeting was well run and gave the family time to understand the worries.",
    "The strength based approach felt more inclusive and kept the focus on the child.",
    "Clear plan with named people and dates. Easy to know what my part is.",
    "The chair kept everyone to time and made sure the child's views were heard.",
    "It would help to get the social work report a few days earlier.",
    "Good use of the scaling question: the family could see where things stand.",
    "I felt able to challenge and be challenged in a respectful way.",
]
# From someone else at the conference: an interpreter, a family friend.
OTHER_FEEDBACK = [
    "Everyone spoke slowly and checked I could keep up with the interpreting.",
    "I came to support the family. I was made welcome and could say what I saw.",
    "The room was too small for everyone, but the meeting itself was fair.",
]
OTHER_ATTRIBUTION = ["Interpreter", "Family friend, supporting the parents"]
PARENT_ATTRIBUTION = {
    "mother": "Mother, after {kind}",
    "father": "Father, after {kind}",
    "carer": "Grandmother and carer, after {kind}",
}
KIND_WORDS = {
    "initial": "an initial conference",
    "review": "a review conference",
    "transfer_in": "a transfer-in conference",
}
CHILD_ATTRIBUTION = "Young person, aged {age}"
PROFESSIONAL_ATTRIBUTION = [
    "Health visitor",
    "Designated safeguarding lead, primary school",
    "Social worker",
    "Police officer, Public Protection Unit",
    "School nurse",
    "Family support worker",
    "Head of year, secondary school",
]

# ------------------------------------------------------------------- targets

# Measure key -> (direction, step from last year's figure, what the service will do).
TARGET_PLANS: dict[str, tuple[str, float, str]] = {
    "icpc_within_15_working_days": (
        "at_least",
        2.0,
        "Book the initial conference on the day of the strategy discussion.",
    ),
    "review_conferences_in_timescale": (
        "at_least",
        1.0,
        "Book the next review at the end of every conference.",
    ),
    "reviews_on_time": (
        "at_least",
        1.0,
        "The IRO manager checks every review due in the next month, each week.",
    ),
    "child_attended": (
        "at_least",
        1.0,
        "Ask every child of ten and over how and when they want to take part.",
    ),
    "child_views_represented": (
        "at_least",
        2.0,
        "Bring the child's own words, drawings or letter to every conference.",
    ),
    "advocate_involved": (
        "at_least",
        3.0,
        "Offer NYAS advocacy to every child of five and over before the conference.",
    ),
    "pre_meetings_held": (
        "at_least",
        1.0,
        "The chair meets the parents, and the child where old enough, before each conference.",
    ),
    "plans_started_second_or_subsequent": (
        "at_most",
        -1.0,
        "Check the plan history of every child before an initial conference.",
    ),
}

# ------------------------------------------------------- invitations and casework

STREETS = [
    "Moor Lane", "Church Street", "Station Road", "Beck Side", "Mill Row", "Fold Close",
    "Heron Way", "Linden Avenue", "Tarn Court", "Ash Grove", "Quarry Road", "Rook Street",
]  # fmt: skip
EMAIL_DOMAINS = {
    "police": "police.northmoor.example",
    "health": "nhs.northmoor.example",
    "education": "schools.northmoor.example",
    "advocacy": "nyas.example",
    "probation": "probation.northmoor.example",
    "housing": "northmoorhomes.example",
    "voluntary": "support.northmoor.example",
    "social_care": "northmoor.example",
    "other": "northmoor.example",
}
FAMILY_EMAIL_DOMAIN = "example.com"
INTERPRETING = "Northmoor Language Service"
# Where an interpreter's letter goes (invented, like every address of the demo).
INTERPRETING_ADDRESS = "Northmoor Language Service\n12 Weaver Street\nNorthmoor NM1 4LS"
PRE_MEETING_NOTES = [
    "Explained what the conference is for and who will be there.",
    "Talked through the reports; the family asked for the plan in their language.",
    "Met at home; agreed the family can have a break during the meeting.",
    "Met by video call; explained how the family can share their views.",
]

# Plan outcomes by category, and the actions that go with them.
PLAN_OUTCOMES = {
    "NEG": [
        "{name} has enough to eat, clean clothes and a warm home every day.",
        "{name} goes to every health appointment.",
        "{name} is at school or nursery every day and on time.",
    ],
    "EMO": [
        "{name} lives in a home where adults do not shout, fight or hurt each other.",
        "{name} feels safe and can talk about their worries.",
        "The adults at home speak kindly to {name}.",
    ],
    "PHY": [
        "{name} is not hurt by anyone at home.",
        "The adults at home use calm ways to manage {name}'s behaviour.",
    ],
    "SAB": [
        "{name} has no contact with the adult who harmed them.",
        "{name} knows who they can tell if they feel unsafe.",
    ],
    "MUL": [
        "{name} is safe from harm and has the care they need every day.",
        "{name} lives in a home without violence or drugs.",
    ],
}
PLAN_ACTIONS = [
    ("The social worker will visit every two weeks and see {name} on their own.", "social_worker"),
    ("Go to the parenting course every week and finish it.", "parent"),
    ("Take {name} to every health appointment.", "parent"),
    ("Check {name}'s growth and development at home.", "health"),
    ("Tell the social worker the same day if {name} is not in school.", "school"),
    ("Finish the domestic abuse programme.", "parent"),
    ("Share any police call-outs to the home with the social worker within a day.", "police"),
    ("Hold a core group meeting every four weeks.", "social_worker"),
    ("Do direct work with {name} about their wishes and feelings.", "social_worker"),
    ("Keep the home warm, clean and with food in the cupboards.", "parent"),
]
# What the worker wrote beside an action's status. Documents show "status: progress", so
# a note never repeats its status ("No longer needed: No longer needed: ..." read twice).
ACTION_PROGRESS = {
    "done": ["Checked at the core group.", "Finished on time."],
    "in_progress": ["Started; going well so far.", "Half done; the next session is booked."],
    "not_done": ["The parent did not go to the sessions.", "The course was full."],
    "no_longer_needed": ["The family moved house."],
}
