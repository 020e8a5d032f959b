import './base.css';
import './questions.css';
import './scorecards.css';
import './notes.css';
import './integrity.css';
import './replay.css';
