# get_graph().draw_ascii() / print_ascii(), as in many tutorials: the same ASCII art as LangGraph (grandalf's layout),
# for a graph with Command destinations and one with a subgraph drawn with xray.
from typing import Literal, TypedDict
from langgraph.graph import StateGraph, START, END
from langgraph.types import Command

class S(TypedDict, total=False):
    x: int

def step(state): return {}
def review(state) -> Command[Literal["approved", "rejected"]]:
    return Command(goto="approved")
b = StateGraph(S)
b.add_node("generate", step); b.add_node(review); b.add_node("approved", step); b.add_node("rejected", step)
b.add_edge(START, "generate"); b.add_edge("generate", "review"); b.add_edge("approved", END); b.add_edge("rejected", END)
graph = b.compile()
print(graph.get_graph().draw_ascii())
sub = StateGraph(S).add_node("inner1", step).add_node("inner2", step).add_edge(START, "inner1").add_edge("inner1", "inner2").compile()
p = StateGraph(S).add_node("prep", step).add_node("sub", sub).add_edge(START, "prep").add_edge("prep", "sub").compile()
p.get_graph(xray=True).print_ascii()
