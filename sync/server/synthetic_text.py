"""The words of the synthetic caseload, one pool per field, so that each
field reads as a practitioner would write it: what the worker saw in the
observations, the child's own words in quotation marks, worries under
risks, strengths under protective factors. `{name}` is the child's first
name and `{place}` one of the shared fictional places."""

from __future__ import annotations

# What the worker saw and heard (a visit's observations).
OBSERVED = [
    "Met {name} at home; they were chatty and made eye contact.",
    "The bedroom was tidy and warm; there was a new phone on the bed.",
    "Carer reports {name} came home late twice this week without saying where from.",
    "{name} talked about school and the maths teacher.",
    "{name} was quiet today and did not want to talk about the weekend.",
    "School reports attendance has improved to four days a week.",
    "{name} mentioned a friend called Tall Tobias who has a car.",
    "Observed a warm relationship between {name} and the carer.",
    "{name} showed me a skateboard trick in the yard and laughed a lot.",
    "{name} has been seen near {place} late in the evening, per the carer.",
    "Kitchen cupboards were stocked; the carer had cooked a meal for the family.",
]
# What the child said, in their own words (a visit's "child's own words").
CHILD_SAID = [
    "“I feel safe at home most of the time but I worry about money.”",
    "“The maths teacher is kind, she lets me stay in at lunch.”",
    "“I just want things to be normal again.”",
    "“I don't want to talk about the weekend.”",
    "“Tobias gives me lifts, he's all right.”",
    "“I know who to call if I get scared.”",
    "“Football on Saturday is the best bit of the week.”",
    "“I get bored here, there's nothing to do after school.”",
]
# The worker's analysis of a visit, and the rationale for a risk rating.
ANALYSIS = [
    "{name} appears settled; the plan's actions are having an effect.",
    "Late returns suggest {name} is being drawn to {place}; share with police.",
    "The new phone and lifts from an older friend are indicators of grooming.",
    "{name} engages well when seen alone; continue direct work on safety.",
    "Discussed online safety and who {name} talks to on social media.",
    "We agreed to meet again next week to work on the safety plan.",
]
# A plan's risks: the worries.
RISKS = [
    "{name} has been seen near {place} late at night with older people.",
    "Goes missing overnight and returns with new clothes and money.",
    "Contact with an older friend who has a car and gives lifts.",
    "Talks online to people {name} has not met.",
    "Comes home late from {place} and will not say where from.",
]
# A plan's protective factors: the strengths around the child.
PROTECTIVE = [
    "Football club on Saturdays; the coach is a trusted adult.",
    "A warm relationship with the carer, who reports worries quickly.",
    "School attendance has improved and the form tutor checks in daily.",
    "{name} knows who to call and has the number saved in their phone.",
    "Grandmother visits weekly and {name} talks to her openly.",
]
NOT_SEEN = ["asleep after a late night", "at a friend's house", "refused to come downstairs"]
PUSH = ["arguments at home about curfew", "bored and lonely in the placement"]
PULL = ["older friends with cars and cash", "free food and vapes at the underpass"]
POOLS = {
    "observed": OBSERVED,
    "child_said": CHILD_SAID,
    "analysis": ANALYSIS,
    "risks": RISKS,
    "protective": PROTECTIVE,
}
