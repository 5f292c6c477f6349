"""A file offered peer to peer plays sound_file (core/transfer.c through
core/attention.c); a stranger's offer, refused unseen, plays nothing.
sound_cmd records its arguments (test_sounds.Recorder); the runs are read
after a round trip, never after a sleep.
"""

import harness
from test_p2p import NATTER, Offer, befriend, offer_xml
from test_sounds import Recorder, start


def test_file_offer_plays_sound_file(prosody, accounts, write_rc,
                                     start_natter, make_peer, tmp_path):
    befriend(prosody, "bob")
    sound = Recorder(tmp_path, "sound")
    natter = start(write_rc, start_natter, sound_cmd=sound.cmd(),
                   sound_file="/snd/file.oga",
                   sound_subscribe="/snd/subscribe.oga")
    carol = make_peer("carol")
    bob = make_peer("bob")
    natter.wait_for(r"\bbob\b")    # in the roster pane

    # a stranger's offer is refused unseen: no sound
    reply = carol.iq_set(NATTER, offer_xml("x1", "free.exe", 10))
    assert reply.type == "error"
    harness.round_trip(natter, carol, NATTER)
    assert sound.runs() == []

    # bob's waits for the user in a dialog: sound_file plays once
    offer = Offer(bob, offer_xml("s1", "report.bin", 10))
    natter.wait_for(r"\[\d+:file from bob@localhost")
    assert sound.wait_runs(1) == [["/snd/file.oga"]]
    harness.round_trip(natter, bob, NATTER)
    assert sound.runs() == [["/snd/file.oga"]]
    assert offer.thread.is_alive()    # still for the user to answer
